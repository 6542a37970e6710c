using FunctionApp.BrowserTests.Infrastructure;
using Gateway.Client.Orders;
using Gateway.Simulator.Scenarios;
using TestSupport;

namespace FunctionApp.BrowserTests;

/// <summary>
/// A person walks a basket through the try-it page in Chromium on a phone-sized screen: sign in, build the order,
/// the simulated SDK screens, and the live status the app's tracker keeps up to date.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class TryItFlowTests(AzuriteFixture azurite, BrowserFixture browsers)
{
    [Fact]
    public async Task Basket_ConfirmedInMarketHours_ShowsCompletedWithRupeeAmounts()
    {
        await using var app = await TryItApp.StartAsync(azurite, TryItApp.MarketHours);
        app.Simulator.Simulation.SetDefaultScenario(new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome>
            {
                ["RELIANCE"] = new() { Price = 1512.35m },
                ["ITC"] = new() { Price = 415.40m },
                ["HDFCBANK"] = new() { Price = 998.50m },
            },
        });

        await RunAsync(app, nameof(Basket_ConfirmedInMarketHours_ShowsCompletedWithRupeeAmounts), async (page, session) =>
        {
            await page.SignInAsync("asha");
            await page.SetOrderAsync(("RELIANCE", 70, "BUY"), ("ITC", 10, "SELL"), ("HDFCBANK", 3, "BUY"));
            await page.CreateAndLogInAsync("Zerodha Kite");
            await page.Page.GetByLabel("Quantity of ITC").FillAsync("12");
            await session.ScreenshotAsync("basket-1-review");
            await page.Button("Confirm orders").ClickAsync();

            await Expect(page.Summary).ToHaveTextAsync("Completed: all 3 orders were filled.", TryItPageModel.Tracking);
            await Expect(page.Phase).ToHaveTextAsync("Completed");
            await Expect(page.Page.Locator("#status-broker")).ToHaveTextAsync("Zerodha Kite");
            await Expect(page.OrderRow("RELIANCE")).ToContainTextAsync("70 of 70");
            await Expect(page.OrderRow("RELIANCE")).ToContainTextAsync("₹1,512.35");
            await Expect(page.OrderRow("ITC")).ToContainTextAsync("Sell");
            await Expect(page.OrderRow("ITC")).ToContainTextAsync("12 of 12"); // the quantity edited in the SDK review
            await Expect(page.OrderRow("HDFCBANK")).ToContainTextAsync("₹998.50");
            // Indian digit grouping: 70 × 1,512.35 + 3 × 998.50 = 1,08,860.00; 12 × 415.40 = 4,984.80.
            await Expect(page.Orders).ToContainTextAsync("Bought for ₹1,08,860.00");
            await Expect(page.Orders).ToContainTextAsync("Sold for ₹4,984.80");
            await Expect(page.Timeline).ToContainTextAsync("Completed");
            await session.ScreenshotAsync("basket-2-completed");
        });
    }

    [Fact]
    public async Task SdkFlow_CancelledAtLoginWithTheKeyboardOnly_ShowsFailedAsCancelled()
    {
        await using var app = await TryItApp.StartAsync(azurite, TryItApp.MarketHours);
        await RunAsync(app, nameof(SdkFlow_CancelledAtLoginWithTheKeyboardOnly_ShowsFailedAsCancelled), async (page, session) =>
        {
            var keyboard = page.Page.Keyboard;
            await page.Page.GetByLabel("Demo user name").FocusAsync();
            await keyboard.TypeAsync("ravi");
            await keyboard.PressAsync("Enter");
            await Expect(page.Row(1).GetByLabel("Ticker")).ToBeFocusedAsync();
            await page.SetOrderAsync(("SBIN", 4, "BUY"));
            await page.Row(1).GetByLabel("Quantity").PressAsync("Enter");

            await Expect(page.Page.GetByRole(AriaRole.Heading, new() { Name = "smallcase Gateway" })).ToBeFocusedAsync();
            await Expect(page.Page.GetByRole(AriaRole.Radio, new() { Name = "Alice Blue" })).ToBeVisibleAsync();
            await keyboard.PressAsync("Tab");
            await keyboard.PressAsync("Space");
            await Expect(page.Page.GetByRole(AriaRole.Radio, new() { Name = "Alice Blue" })).ToBeCheckedAsync();
            await keyboard.PressAsync("Tab");
            await Expect(page.Button("Continue")).ToBeFocusedAsync();
            await keyboard.PressAsync("Enter");
            await Expect(page.Page.GetByLabel("Broker client id (optional)")).ToBeFocusedAsync();
            await Expect(page.Page.GetByRole(AriaRole.Heading, new() { Name = "Log in to Alice Blue" })).ToBeVisibleAsync();
            await keyboard.PressAsync("Tab");
            await keyboard.PressAsync("Tab");
            await Expect(page.Button("Cancel")).ToBeFocusedAsync();
            await keyboard.PressAsync("Enter");

            await Expect(page.Page.GetByRole(AriaRole.Heading, new() { Name = "Transaction status" })).ToBeFocusedAsync();
            await Expect(page.Phase).ToHaveTextAsync("Failed", TryItPageModel.Tracking);
            await Expect(page.Summary).ToHaveTextAsync("Failed: you cancelled the order in the Gateway screens, so nothing was placed.");
            await Expect(page.Orders).ToContainTextAsync("Buy 4 SBIN");
            await Expect(page.Page.Locator("#status-next")).ToHaveTextAsync("None: the result is final.");
            await session.ScreenshotAsync("cancelled");
        });
    }

    [Fact]
    public async Task Basket_PartlyFilledAndRejected_ShowsEachStocksOutcome()
    {
        await using var app = await TryItApp.StartAsync(azurite, TryItApp.MarketHours);
        const string brokerMessage = "RMS: holdings check failed for INFY";
        app.Simulator.Simulation.SetDefaultScenario(new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome>
            {
                ["RELIANCE"] = new() { Price = 1512.35m },
                ["ITC"] = new() { Kind = OutcomeKind.Partial, FilledQuantity = 4, Price = 415.40m, Then = PartialEnd.Cancelled, SettleAfter = TimeSpan.FromSeconds(2) },
                ["INFY"] = new() { Kind = OutcomeKind.Reject, ErrorCode = "checkHoldings", StatusMessage = brokerMessage },
            },
        });

        await RunAsync(app, nameof(Basket_PartlyFilledAndRejected_ShowsEachStocksOutcome), async (page, session) =>
        {
            await page.SignInAsync("meera");
            await page.SetOrderAsync(("RELIANCE", 2, "BUY"), ("ITC", 10, "SELL"), ("INFY", 3, "BUY"));
            await page.CreateAndLogInAsync("Upstox");
            await page.Button("Confirm orders").ClickAsync();

            await Expect(page.Summary).ToHaveTextAsync(
                "Completed: 1 of 3 orders filled in full; partly filled: ITC 4 of 10; not filled: INFY.", TryItPageModel.Tracking);
            await Expect(page.OrderRow("ITC")).ToContainTextAsync("Cancelled after a partial fill");
            await Expect(page.OrderRow("ITC")).ToContainTextAsync("4 of 10");
            await Expect(page.OrderRow("ITC")).ToContainTextAsync("₹415.40");
            await Expect(page.OrderRow("INFY")).ToContainTextAsync("Rejected (checkHoldings)");
            await Expect(page.OrderRow("INFY")).ToContainTextAsync("0 of 3");
            await Expect(page.Orders).ToContainTextAsync("Partly filled · 1 of 3 filled");
            await Expect(page.Orders).ToContainTextAsync("Bought for ₹3,024.70");
            await Expect(page.Orders).ToContainTextAsync("Sold for ₹1,661.60");
            // The broker's raw status message is for support staff; the app's view leaves it out.
            await Expect(page.Page.Locator("body")).Not.ToContainTextAsync(brokerMessage);
            await session.ScreenshotAsync("partial");
        });
    }

    [Fact]
    public async Task AmoOrder_ConfirmedAfterHours_CompletesAfterJumpToNextMarketOpen()
    {
        await using var app = await TryItApp.StartAsync(azurite, TryItApp.AfterHours);
        app.Simulator.Simulation.SetDefaultScenario(new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome> { ["RELIANCE"] = new() { Price = 1512.35m } },
        });

        await RunAsync(app, nameof(AmoOrder_ConfirmedAfterHours_CompletesAfterJumpToNextMarketOpen), async (page, session) =>
        {
            await Expect(page.Clock).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Wed, 25 Nov, 18:0[0-9] IST$"));
            await Expect(page.Page.Locator("#clock-market")).ToHaveTextAsync("Market closed");
            await page.SignInAsync("kabir");
            await page.SetOrderAsync(("RELIANCE", 5, "BUY"));
            await page.CreateAndLogInAsync("Zerodha Kite");
            await page.Button("Confirm orders").ClickAsync();

            await Expect(page.Phase).ToHaveTextAsync("Orders open", TryItPageModel.Tracking);
            await Expect(page.Summary).ToContainTextAsync("after-market orders (AMO)");
            await Expect(page.Summary).ToContainTextAsync("Thu, 26 Nov, 09:15 IST");
            // Until smallcase has order details, the page shows what was requested, never a webhook's stock data.
            await Expect(page.Orders).ToContainTextAsync("Buy 5 RELIANCE");
            await session.ScreenshotAsync("amo-1-waiting");

            await page.Button("Jump to next market open").ClickAsync();
            await Expect(page.Clock).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Thu, 26 Nov, 09:1[5-9] IST$"));
            await Expect(page.Page.Locator("#clock-market")).ToHaveTextAsync("Market open");
            await Expect(page.Summary).ToHaveTextAsync("Completed: your order was filled.", TryItPageModel.Tracking);
            await Expect(page.OrderRow("RELIANCE")).ToContainTextAsync("5 of 5");
            await Expect(page.Orders).ToContainTextAsync("Bought for ₹7,561.75");
            await session.ScreenshotAsync("amo-2-completed");
        });
    }

    [Fact]
    public async Task AmoOrder_CancelledFromTheStatus_GoesThroughTheSdkAndShowsAmoCancelled()
    {
        await using var app = await TryItApp.StartAsync(azurite, TryItApp.AfterHours);
        await RunAsync(app, nameof(AmoOrder_CancelledFromTheStatus_GoesThroughTheSdkAndShowsAmoCancelled), async (page, session) =>
        {
            await page.SignInAsync("nisha");
            await page.SetOrderAsync(("ITC", 10, "BUY"));
            await page.CreateAndLogInAsync("Zerodha Kite");
            await page.Button("Confirm orders").ClickAsync();
            await Expect(page.Phase).ToHaveTextAsync("Orders open", TryItPageModel.Tracking);
            await Expect(page.Orders).ToContainTextAsync("Buy 10 ITC");

            await page.Button("Cancel order for ITC").ClickAsync();
            await page.LogInAsync("Zerodha Kite");
            await Expect(page.Page.GetByRole(AriaRole.Heading, new() { Name = "Cancel an open order" })).ToBeVisibleAsync();
            await Expect(page.Page.Locator("#cancel-order-text")).ToHaveTextAsync("Cancel your open after-market order (AMO) for ITC? Nothing of it has been filled yet.");
            await session.ScreenshotAsync("cancel-amo-1-confirm");
            await page.Button("Cancel the order").ClickAsync();

            await Expect(page.Summary).ToHaveTextAsync("Completed: your order was cancelled before it was filled.", TryItPageModel.Tracking);
            await Expect(page.OrderRow("ITC")).ToContainTextAsync("AMO cancelled");
            await Expect(page.OrderRow("ITC")).ToContainTextAsync("0 of 10");
            await Expect(page.Orders).ToContainTextAsync("Cancelled · after-market order (AMO) · 0 of 1 filled");
            await Expect(page.Page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Cancel order") })).ToHaveCountAsync(0);
            await session.ScreenshotAsync("cancel-amo-2-cancelled");
        });

        var truth = app.Simulator.Simulation.ListTransactions().Select(t => app.Simulator.Simulation.GetTruth(t.TransactionId)!).ToList();
        Assert.Single(truth, t => t.Cancels is { Ticker: "ITC" });
    }

    [Fact]
    public async Task StopLossOrders_ChosenInTheSdk_OneCancelledTheOtherFillsAtItsTrigger()
    {
        await using var app = await TryItApp.StartAsync(azurite, TryItApp.MarketHours);
        app.Simulator.Simulation.SetDefaultScenario(new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome> { ["INFY"] = new() { Price = 1580.25m } },
        });

        await RunAsync(app, nameof(StopLossOrders_ChosenInTheSdk_OneCancelledTheOtherFillsAtItsTrigger), async (page, session) =>
        {
            await page.SignInAsync("arjun");
            await page.SetOrderAsync(("INFY", 3, "SELL"), ("ITC", 10, "SELL"));
            await page.CreateAndLogInAsync("Zerodha Kite");
            await page.Page.GetByLabel("Order type of INFY").SelectOptionAsync("SL-M");
            await page.Page.GetByLabel("Order type of ITC").SelectOptionAsync("SL");
            await session.ScreenshotAsync("stop-loss-1-review");
            await page.Button("Confirm orders").ClickAsync();
            await Expect(page.Phase).ToHaveTextAsync("Orders open", TryItPageModel.Tracking);
            await Expect(page.Summary).ToContainTextAsync("still open");

            await page.Button("Cancel order for ITC").ClickAsync();
            await page.LogInAsync("Zerodha Kite");
            await Expect(page.Page.Locator("#cancel-order-text")).ToContainTextAsync("stop-loss (sl) for ITC");
            await page.Button("Cancel the order").ClickAsync();
            await Expect(page.Orders).ToContainTextAsync("cancellation confirmed", new() { Timeout = 30_000 });
            await Expect(page.Button("Cancel order for INFY")).ToBeVisibleAsync();

            // The SL-M order's trigger is reached within the hour.
            await page.Button("Advance 1 hour").ClickAsync();
            await Expect(page.Summary).ToHaveTextAsync("Completed: 1 of 2 orders filled in full; cancelled: ITC.", TryItPageModel.Tracking);
            await Expect(page.OrderRow("INFY")).ToContainTextAsync("3 of 3");
            await Expect(page.OrderRow("INFY")).ToContainTextAsync("₹1,580.25");
            await Expect(page.OrderRow("ITC")).ToContainTextAsync("Cancelled");
            await session.ScreenshotAsync("stop-loss-2-completed");
        });

        var infy = app.Simulator.Simulation.ListTransactions()
            .Select(t => app.Simulator.Simulation.GetTruth(t.TransactionId)!)
            .SelectMany(t => t.Orders.OrderBatches).SelectMany(b => b.Orders).Single(o => o.Tradingsymbol == "INFY");
        Assert.Equal(OrderType.StopLossMarket, infy.OrderType);
    }

    [Fact]
    public async Task InvalidInput_ShowsProblemDetailsAsReadableText()
    {
        await using var app = await TryItApp.StartAsync(azurite, TryItApp.MarketHours);
        await RunAsync(app, nameof(InvalidInput_ShowsProblemDetailsAsReadableText), async (page, session) =>
        {
            await page.Page.GetByLabel("Demo user name").FillAsync("not a name!");
            await page.Button("Sign in").ClickAsync();
            var signInError = page.Page.Locator("#signin-error");
            await Expect(signInError).ToContainTextAsync("The request is invalid.");
            await Expect(signInError).ToContainTextAsync("User name: Enter a name of 1-40 letters");

            await page.SignInAsync("asha");
            await page.SetOrderAsync(("RELIANCE!", 2, "BUY"), ("ITC", 0, "SELL"));
            await page.Button("Create transaction").ClickAsync();

            var orderError = page.Page.Locator("#order-error");
            await Expect(orderError).ToContainTextAsync("The request is invalid.");
            await Expect(orderError).ToContainTextAsync("Stock 1, ticker: A ticker must be an upper-case NSE symbol");
            await Expect(orderError).ToContainTextAsync("Stock 2, quantity: Quantity must be between 1 and");
            await Expect(orderError).Not.ToContainTextAsync("{");
            await Expect(page.Row(1).GetByLabel("Ticker")).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(page.Row(2).GetByLabel("Quantity")).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(page.Page.Locator("#sdk")).ToBeHiddenAsync();
            await session.ScreenshotAsync("invalid-order");
        });
    }

    /// <summary>Opens the page in a new browser, runs the steps, and keeps a screenshot when a step fails.</summary>
    private async Task RunAsync(TryItApp app, string testName, Func<TryItPageModel, BrowserSession, Task> steps)
    {
        await using var session = await browsers.OpenAsync();
        var page = new TryItPageModel(await session.OpenPageAsync(app.PageUri));
        try
        {
            await steps(page, session);
        }
        catch
        {
            await session.ScreenshotAsync($"failed-{testName}");
            throw;
        }

        Assert.True(session.Errors.Count == 0, string.Join("\n", session.Errors));
    }
}
