namespace FunctionApp.BrowserTests.Infrastructure;

/// <summary>What a person does on the try-it page, found by the labels, names and roles they see or hear.</summary>
public sealed class TryItPageModel(IPage page)
{
    /// <summary>How long the tracker may take to follow webhooks and confirm a result (bounded, not a sleep).</summary>
    public static readonly LocatorAssertionsToHaveTextOptions Tracking = new() { Timeout = 30_000 };

    public IPage Page => page;

    public ILocator Summary => page.Locator("#status-summary");

    public ILocator Phase => page.Locator("#status-phase");

    public ILocator Orders => page.Locator("#status-orders");

    public ILocator Timeline => page.Locator("#status-timeline");

    public ILocator Clock => page.Locator("#clock-now");

    public ILocator Button(string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public ILocator Row(int number) => page.GetByRole(AriaRole.Group, new() { Name = $"Stock {number}", Exact = true });

    /// <summary>The status view's row of one stock.</summary>
    public ILocator OrderRow(string ticker) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = ticker, Exact = true }) });

    public async Task SignInAsync(string userName)
    {
        await page.GetByLabel("Demo user name").FillAsync(userName);
        await Button("Sign in").ClickAsync();
        await Expect(page.GetByText("Signed in as")).ToContainTextAsync(userName);
    }

    public async Task SetRowAsync(int number, string ticker, int quantity, string type)
    {
        var row = Row(number);
        await row.GetByLabel("Ticker").FillAsync(ticker);
        await row.GetByLabel("Quantity").FillAsync(quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await row.GetByLabel("Buy or sell").SelectOptionAsync(type);
    }

    /// <summary>Leaves exactly the given rows in the order form, removing and adding rows with the page's buttons.</summary>
    public async Task SetOrderAsync(params (string Ticker, int Quantity, string Type)[] securities)
    {
        var rows = page.Locator("#order-rows > fieldset");
        for (var count = await rows.CountAsync(); count > securities.Length; count--)
        {
            await Button($"Remove stock {count}").ClickAsync();
            await Expect(rows).ToHaveCountAsync(count - 1);
        }

        for (var i = 0; i < securities.Length; i++)
        {
            if (await rows.CountAsync() == i)
            {
                await Button("Add a stock").ClickAsync();
                await Expect(rows).ToHaveCountAsync(i + 1);
            }

            await SetRowAsync(i + 1, securities[i].Ticker, securities[i].Quantity, securities[i].Type);
        }
    }

    /// <summary>Creates the transaction and goes through the SDK's broker chooser and login, up to the order review.</summary>
    public async Task CreateAndLogInAsync(string broker = "Zerodha Kite")
    {
        await Button("Create transaction").ClickAsync();
        await LogInAsync(broker);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Review your orders" })).ToBeVisibleAsync();
    }

    /// <summary>The SDK's broker chooser and login, once the SDK screens are open.</summary>
    public async Task LogInAsync(string broker)
    {
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Choose your broker" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = broker, Exact = true }).CheckAsync();
        await Button("Continue").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Log in to {broker}" })).ToBeVisibleAsync();
        await Button("Log in").ClickAsync();
    }
}
