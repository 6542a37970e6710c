using Bench.Counting;
using FunctionApp;
using Gateway.Simulator;
using Gateway.Simulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging.Abstractions;
using TestSupport;
using Transactions.Storage;

namespace Bench.Hosting;

/// <summary>
/// The function app in this process, wired like the tests' AppHarness: Azurite, the Gateway simulator in-process on
/// its own port, the app in the local host on a free loopback port, one shared (simulated) clock. Every storage
/// request and Gateway call of the app is counted.
/// </summary>
public sealed class InProcessApp : IAsyncDisposable
{
    public const string Secret = "bench-gateway-secret";
    public const string ApiSecret = "bench-gateway-api-secret";
    public const string UserSigningKey = "bench-user-signing-key";
    public const string WebhookRoute = FunctionApp.Api.WebhookApi.Route;

    /// <summary>Wednesday 26 Nov 2026, 11:00 IST: the market is open, so market orders fill at confirm.</summary>
    public static readonly DateTimeOffset MarketHours = new(2026, 11, 26, 11, 0, 0, TimeSpan.FromHours(5.5));

    private readonly WebApplication app;

    private InProcessApp(WebApplication app, RunningSimulator simulator, Uri baseUri, StorageRequestCounter storage, DurableRequestCounter durable, GatewayCallCounter gateway, TransactionStore probe)
    {
        this.app = app;
        Simulator = simulator;
        BaseUri = baseUri;
        Storage = storage;
        Durable = durable;
        Gateway = gateway;
        Probe = probe;
    }

    public RunningSimulator Simulator { get; }

    public Uri BaseUri { get; }

    public IServiceProvider Services => app.Services;

    public StorageRequestCounter Storage { get; }

    /// <summary>The durable runtime's own storage requests (its task hub's tables, queues and blobs).</summary>
    public DurableRequestCounter Durable { get; }

    public GatewayCallCounter Gateway { get; }

    /// <summary>Reads the app's transaction rows through clients of its own, so the bench's reads are not counted.</summary>
    public TransactionStore Probe { get; }

    public string StorageConnectionString { get; private init; } = string.Empty;

    /// <summary>The durable runtime's task hub name.</summary>
    public string TaskHub => app.Services.GetRequiredService<LocalHost.Durable.DurableRuntimeOptions>().TaskHub;

    /// <param name="settings">Overrides of the app settings (e.g. tracker timings).</param>
    /// <param name="simulatorOptions">The simulator's options; its secrets are always the bench's.</param>
    /// <param name="runTimerFunctions">False: the timer-triggered functions do not fire on their schedules (the bench invokes them itself).</param>
    public static async Task<InProcessApp> StartAsync(
        AzuriteFixture azurite, string namePrefix, IReadOnlyDictionary<string, string?> settings, SimulatorOptions simulatorOptions, CancellationToken cancellationToken, bool runTimerFunctions = true)
    {
        var simulator = await SimulatorHost.StartAsync(simulatorOptions with { Secret = Secret, ApiSecret = ApiSecret }, cancellationToken);
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage:NamePrefix"] = namePrefix,
            ["Gateway:BaseUrl"] = simulator.BaseUri.ToString(),
            ["Gateway:Name"] = simulator.Options.GatewayName,
            ["Gateway:Secret"] = Secret,
            ["Gateway:ApiSecret"] = ApiSecret,
            ["UserAuth:DevelopmentSigningKey"] = UserSigningKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            config[key] = value;
        }

        var gateway = new GatewayCallCounter();
        var durable = new DurableRequestCounter(azurite.BlobPort, azurite.QueuePort);
        var app = LocalHost.LocalHostBuilder.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            builder.Services.AddSingleton<TimeProvider>(simulator.Clock);
            builder.Services.AddSingleton<IHttpMessageHandlerBuilderFilter>(gateway);
            builder.Services.AddSingleton(new LocalHost.Durable.DurableStorageInstrumentation([durable]));
        }, services =>
        {
            if (!runTimerFunctions && services.SingleOrDefault(s => s.ImplementationType == typeof(LocalHost.TimerFunctions)) is { } timers)
            {
                services.Remove(timers);
            }
        });

        // The storage clients are created on first use (at start), so the counting policy is in place for every request.
        var storage = new StorageRequestCounter(namePrefix, azurite.QueuePort);
        app.Services.GetRequiredService<StorageOptions>().AdditionalPolicies.Add(storage);
        await app.StartAsync(cancellationToken);
        if (storage.Count == 0)
        {
            throw new InvalidOperationException("The storage counting policy saw no request at start: the storage clients were created before it was added.");
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var baseUri = new Uri(address);
        simulator.Simulation.WebhookUrl = new Uri(baseUri, $"/api/{WebhookRoute}");
        var probe = new TransactionStore(
            new StorageClients(new StorageOptions { ConnectionString = azurite.ConnectionString, NamePrefix = namePrefix }),
            NullLogger<TransactionStore>.Instance);
        return new InProcessApp(app, simulator, baseUri, storage, durable, gateway, probe) { StorageConnectionString = azurite.ConnectionString };
    }

    public Task<CreatedTransaction> CreateTransactionAsync(HttpClient http, string userId, string securitiesJson, CancellationToken cancellationToken) =>
        AppCalls.CreateTransactionAsync(http, BaseUri, userId, securitiesJson, cancellationToken);

    public Task<string> CompleteSdkFlowAsync(HttpClient http, CreatedTransaction created, CancellationToken cancellationToken) =>
        AppCalls.CompleteSdkFlowAsync(http, Simulator.BaseUri, created, cancellationToken);

    public Task PostSdkResultAsync(HttpClient http, string userId, string transactionId, string sdkResult, CancellationToken cancellationToken) =>
        AppCalls.PostSdkResultAsync(http, BaseUri, userId, transactionId, sdkResult, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
