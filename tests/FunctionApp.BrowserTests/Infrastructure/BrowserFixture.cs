using TestSupport;

namespace FunctionApp.BrowserTests.Infrastructure;

/// <summary>
/// Playwright driving the system's Chromium (Debian's <c>chromium</c> package; Playwright's own browser builds are
/// never downloaded). Each test gets a new browser with a fresh profile and a phone-sized viewport.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>A phone-sized viewport (CSS pixels).</summary>
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? playwright;

    public static string ScreenshotFolder => Path.Combine(RepoRoot.Path, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium package (scripts/test.sh does).");
        }

        playwright = await Playwright.CreateAsync();
        Directory.CreateDirectory(ScreenshotFolder);
    }

    /// <summary>A new browser on a fresh, temporary user-data-dir; disposing it closes the browser and deletes the profile.</summary>
    public async Task<BrowserSession> OpenAsync()
    {
        var profile = Directory.CreateTempSubdirectory("tryit-chromium-");
        var context = await playwright!.Chromium.LaunchPersistentContextAsync(profile.FullName, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            ViewportSize = Phone,
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            Locale = "en-IN",
            Timeout = 60_000,
        });
        context.SetDefaultTimeout(15_000);
        return new BrowserSession(context, profile);
    }

    public Task DisposeAsync()
    {
        playwright?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>One browser with its page; records console errors and uncaught exceptions so a test can assert there were none.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private readonly DirectoryInfo profile;
    private readonly List<string> errors = [];

    private IPage? page;

    internal BrowserSession(IBrowserContext context, DirectoryInfo profile)
    {
        this.context = context;
        this.profile = profile;
    }

    public IPage Page => page ?? throw new InvalidOperationException("Open a page first.");

    /// <summary>Console errors (script errors and CSP violations) and uncaught exceptions seen so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (errors)
            {
                return [.. errors];
            }
        }
    }

    public async Task<IPage> OpenPageAsync(Uri uri)
    {
        // A persistent context starts with one blank page.
        page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            // "Failed to load resource" only echoes an HTTP error status, which the page reads and shows itself.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                Record($"console: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Record($"page error: {error}");
        await page.GotoAsync(uri.ToString());
        return page;
    }

    /// <summary>A full-page PNG in artifacts/screenshots.</summary>
    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await context.CloseAsync();
        await context.DisposeAsync();
        try
        {
            profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be releasing a file; a leftover temp profile is harmless.
        }
    }

    private void Record(string error)
    {
        lock (errors)
        {
            errors.Add(error);
        }
    }
}
