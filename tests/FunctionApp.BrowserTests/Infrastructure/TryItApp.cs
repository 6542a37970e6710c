using System.Globalization;
using Gateway.Simulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TestSupport;

namespace FunctionApp.BrowserTests.Infrastructure;

/// <summary>
/// The function app as <c>scripts/run.sh</c> runs it, on loopback and free ports: the local host on Azurite, the
/// embedded Gateway simulator (no <c>Gateway:BaseUrl</c>, so app and simulator share the simulated market clock), and
/// the try-it page enabled. (FunctionApp.Tests' AppHarness points the app at a separate simulator, the production
/// shape, in which the page is refused.)
/// </summary>
public sealed class TryItApp : IAsyncDisposable
{
    public const string UserSigningKey = "browser-tests-user-key";

    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    /// <summary>Wednesday 25 Nov 2026, 11:00 IST: the market is open.</summary>
    public static readonly DateTimeOffset MarketHours = new(2026, 11, 25, 11, 0, 0, Ist);

    /// <summary>Wednesday 25 Nov 2026, 18:00 IST: the market is closed; orders are AMO until Thursday 09:15.</summary>
    public static readonly DateTimeOffset AfterHours = new(2026, 11, 25, 18, 0, 0, Ist);

    private readonly WebApplication app;

    private TryItApp(WebApplication app, Uri baseUri)
    {
        this.app = app;
        BaseUri = baseUri;
        Simulator = app.Services.GetRequiredService<RunningSimulator>();
    }

    public Uri BaseUri { get; }

    public Uri PageUri => new(BaseUri, "/try/");

    /// <summary>The embedded simulator: its scenarios, clock and ground truth.</summary>
    public RunningSimulator Simulator { get; }

    public static async Task<TryItApp> StartAsync(AzuriteFixture azurite, DateTimeOffset clockStart, IDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var app = LocalHost.LocalHostBuilder.Build([], builder => builder.Configuration.AddInMemoryCollection(Settings(azurite, clockStart, settings)));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TryItApp(app, new Uri(address));
    }

    /// <summary>The settings of a local run with the embedded simulator and the page enabled, plus overrides.</summary>
    public static Dictionary<string, string?> Settings(AzuriteFixture azurite, DateTimeOffset clockStart, IDictionary<string, string?>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage:NamePrefix"] = "b" + Guid.NewGuid().ToString("N")[..10],
            ["Gateway:BaseUrl"] = "",
            ["Gateway:Name"] = "demo-gateway",
            ["Gateway:Secret"] = "browser-tests-gateway-secret",
            ["Gateway:ApiSecret"] = "browser-tests-gateway-api-secret",
            ["Gateway:RetryBaseDelay"] = "00:00:00.010",
            ["Simulator:ClockStart"] = clockStart.ToString("O", CultureInfo.InvariantCulture),
            ["UserAuth:DevelopmentSigningKey"] = UserSigningKey,
            ["Tracker:ConfirmDelay"] = "00:00:01",
            ["Durable:MaxQueuePollingInterval"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
            ["TryIt:Enabled"] = "true",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public HttpClient Client() => new() { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
