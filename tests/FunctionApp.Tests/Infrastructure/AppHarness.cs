using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Hosting;
using FunctionApp.Auth;
using LocalHost;
using Microsoft.DurableTask.Client;
using Gateway.Client.Json;
using Gateway.Simulator;
using Gateway.Simulator.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Infrastructure;

/// <summary>
/// The function app wired as in production but on loopback: real Azurite (through toggleable proxies, so a test can
/// take storage away), the Gateway simulator in-process, and the app itself in the local host on a free port.
/// The app and the simulator share the simulator's clock, so a test that moves the market clock moves the tracker's.
/// </summary>
public sealed class AppHarness : IAsyncDisposable
{
    public const string Secret = "harness-gateway-secret";
    public const string ApiSecret = "harness-gateway-api-secret";
    public const string UserSigningKey = "harness-user-key";

    /// <summary>Wednesday 26 Nov 2026, 11:00 IST: the market is open.</summary>
    public static readonly DateTimeOffset MarketHours = new(2026, 11, 26, 11, 0, 0, TimeSpan.FromHours(5.5));

    /// <summary>
    /// Market hours, and transactions that expire 8 s after they are created: the tracker's expiry check, its only
    /// wake-up when no signal comes, runs in real time.
    /// </summary>
    public static SimulatorOptions ShortLived => new() { ClockStart = MarketHours, TransactionLifetime = TimeSpan.FromSeconds(8) };

    private readonly WebApplication app;
    private readonly bool ownsSimulator;

    private AppHarness(WebApplication app, RunningSimulator simulator, bool ownsSimulator, ToggleableTcpProxy tables, ToggleableTcpProxy queues, Uri baseUri, string namePrefix, TrackerSignalLog signals)
    {
        Signals = signals;
        this.app = app;
        this.ownsSimulator = ownsSimulator;
        Simulator = simulator;
        Tables = tables;
        Queues = queues;
        BaseUri = baseUri;
        NamePrefix = namePrefix;
    }

    public RunningSimulator Simulator { get; }

    /// <summary>Every hit the app has handed to its tracker (stored), consumed since or not.</summary>
    public TrackerSignalLog Signals { get; }

    /// <summary>Disable to make table storage unreachable for the app.</summary>
    public ToggleableTcpProxy Tables { get; }

    /// <summary>Disable to make queue storage unreachable for the app.</summary>
    public ToggleableTcpProxy Queues { get; }

    public Uri BaseUri { get; }

    /// <summary>The table and queue name prefix that isolates this app's storage; pass it to <see cref="StartOnAsync"/>.</summary>
    public string NamePrefix { get; }

    public IServiceProvider Services => app.Services;

    public Uri WebhookUri => new(BaseUri, $"/api/{FunctionApp.Api.WebhookApi.Route}");

    /// <param name="storagePolicies">Azure.Core policies added to the app's storage clients before its first request (e.g. request counting).</param>
    /// <param name="replaceServices">Runs after the app's services are added (e.g. a fake clock for one of them).</param>
    public static async Task<AppHarness> StartAsync(
        AzuriteFixture azurite,
        IDictionary<string, string?>? settings = null,
        SimulatorOptions? simulatorOptions = null,
        IReadOnlyList<HttpPipelinePolicy>? storagePolicies = null,
        Action<IServiceCollection>? replaceServices = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var simulator = await StartSimulatorAsync(simulatorOptions);
        return await StartAppAsync(azurite, simulator, ownsSimulator: true, "t" + Guid.NewGuid().ToString("N")[..10], settings, storagePolicies, replaceServices);
    }

    /// <summary>A simulator with the harness's secrets (market hours unless the options say otherwise), for <see cref="StartOnAsync"/>.</summary>
    public static Task<RunningSimulator> StartSimulatorAsync(SimulatorOptions? simulatorOptions = null) =>
        SimulatorHost.StartAsync(
            (simulatorOptions ?? new SimulatorOptions { ClockStart = MarketHours }) with { Secret = Secret, ApiSecret = ApiSecret },
            CancellationToken.None);

    /// <summary>
    /// An app process on given storage (<paramref name="namePrefix"/>) and an existing simulator, e.g. two processes
    /// one after the other on the same storage. The simulator is left running when this harness is disposed.
    /// </summary>
    public static Task<AppHarness> StartOnAsync(
        AzuriteFixture azurite, RunningSimulator simulator, string namePrefix, IDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        ArgumentNullException.ThrowIfNull(simulator);
        return StartAppAsync(azurite, simulator, ownsSimulator: false, namePrefix, settings, storagePolicies: null, replaceServices: null);
    }

    private static async Task<AppHarness> StartAppAsync(
        AzuriteFixture azurite,
        RunningSimulator simulator,
        bool ownsSimulator,
        string namePrefix,
        IDictionary<string, string?>? settings,
        IReadOnlyList<HttpPipelinePolicy>? storagePolicies,
        Action<IServiceCollection>? replaceServices)
    {
        var tables = new ToggleableTcpProxy(azurite.TablePort);
        var queues = new ToggleableTcpProxy(azurite.QueuePort);
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = AzuriteFixture.ConnectionStringFor(azurite.BlobPort, queues.Port, tables.Port),
            ["Storage:NamePrefix"] = namePrefix,
            ["Gateway:BaseUrl"] = simulator.BaseUri.ToString(),
            ["Gateway:Name"] = simulator.Options.GatewayName,
            ["Gateway:Secret"] = Secret,
            ["Gateway:ApiSecret"] = ApiSecret,
            ["Gateway:RetryBaseDelay"] = "00:00:00.010",
            // Roomy enough for a busy 2-core machine; the timeout tests set their own.
            ["Gateway:AttemptTimeout"] = "00:00:05",
            ["Gateway:OverallTimeout"] = "00:00:09",
            ["UserAuth:DevelopmentSigningKey"] = UserSigningKey,
            ["Tracker:ConfirmDelay"] = "00:00:01",
            ["Tracker:SignalReadDelay"] = "00:00:00.200",
            // The tracker's durable timers run in real time: fallback polls and retries come within seconds.
            ["Tracker:BackoffInitial"] = "00:00:01",
            ["Tracker:BackoffMax"] = "00:00:04",
            ["Tracker:PollRetryInitial"] = "00:00:00.500",
            ["Tracker:PollRetryMax"] = "00:00:02",
            ["Tracker:RecordRetryInitial"] = "00:00:00.200",
            ["Tracker:RecordRetryMax"] = "00:00:01",
            ["Tracker:ExpiryGrace"] = "00:00:01",
            // A first run this late (storage was taken away) reads at once instead of waiting for the expiry check.
            ["Tracker:LateStart"] = "00:00:03",
            ["Durable:MaxQueuePollingInterval"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var app = LocalHostBuilder.Build(
            [],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(config);
                builder.Services.AddSingleton<TimeProvider>(simulator.Clock);
            },
            services =>
            {
                services.AddSingleton(provider => new TrackerSignalLog(provider.GetRequiredService<IDurableTaskClientProvider>().GetClient()));
                services.AddSingleton<DurableTaskClient>(provider => provider.GetRequiredService<TrackerSignalLog>());
                replaceServices?.Invoke(services);
            });

        // The storage clients are created at start, so policies added now see every request.
        foreach (var policy in storagePolicies ?? [])
        {
            app.Services.GetRequiredService<StorageOptions>().AdditionalPolicies.Add(policy);
        }

        var signals = app.Services.GetRequiredService<TrackerSignalLog>();

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var harness = new AppHarness(app, simulator, ownsSimulator, tables, queues, new Uri(address), config["Storage:NamePrefix"]!, signals);
        simulator.Simulation.WebhookUrl = harness.WebhookUri;
        return harness;
    }

    /// <summary>Stops the app's Durable Task worker: it still takes webhooks, but nothing processes the signals they raise.</summary>
    public Task StopTrackingWorkerAsync() =>
        app.Services.GetServices<IHostedService>().OfType<Microsoft.DurableTask.Worker.Hosting.DurableTaskWorker>().Single().StopAsync(CancellationToken.None);

    /// <summary>An HTTP client for the app, signed in as <paramref name="userId"/> (anonymous when null).</summary>
    public HttpClient Client(string? userId = null)
    {
        var client = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        if (userId is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", UserToken(userId));
        }

        return client;
    }

    public static string UserToken(string userId) => DevelopmentUserTokens.Mint(UserSigningKey, userId, TimeProvider.System);

    /// <summary>Creates a transaction for the user through the real endpoint and returns its response.</summary>
    public async Task<CreatedTransactionJson> CreateTransactionAsync(string userId, string securitiesJson, string? idempotencyKey = null)
    {
        using var client = Client(userId);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/transactions")
        {
            Content = new StringContent($$"""{"securities":{{securitiesJson}}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString("N"));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"create failed: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<CreatedTransactionJson>(body, GatewayJson.Options)!;
    }

    /// <summary>What the user does in the Gateway SDK: open, pick a broker, log in, confirm; returns the SDK result JSON.</summary>
    public async Task<JsonElement> CompleteSdkFlowAsync(CreatedTransactionJson created, string broker = "kite", string? accountId = null)
    {
        await SdkStepAsync(created, "open", null);
        await SdkStepAsync(created, "broker", new { broker });
        await SdkStepAsync(created, "login", new { accountId });
        return await SdkStepAsync(created, "confirm", null);
    }

    public async Task<JsonElement> SdkStepAsync(CreatedTransactionJson created, string step, object? body)
    {
        ArgumentNullException.ThrowIfNull(created);
        using var client = new HttpClient { BaseAddress = Simulator.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/_sdk/transactions/{created.TransactionId}/{step}")
        {
            Content = JsonContent.Create(body ?? new { }),
        };
        request.Headers.Add("x-gateway-authtoken", created.GatewayToken);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"SDK step {step} failed: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> GetTransactionAsync(string userId, string transactionId)
    {
        using var client = Client(userId);
        return await client.GetFromJsonAsync<JsonElement>($"/api/transactions/{transactionId}");
    }

    /// <summary>Polls the app's GET until the transaction reaches <paramref name="status"/> (bounded).</summary>
    public async Task<JsonElement> WaitForStatusAsync(string userId, string transactionId, string status, TimeSpan? timeout = null)
    {
        JsonElement last = default;
        await Eventually.Until(
            async () =>
            {
                last = await GetTransactionAsync(userId, transactionId);
                return last.GetProperty("status").GetString() == status;
            },
            timeout ?? TimeSpan.FromSeconds(30),
            $"transaction {transactionId} to reach {status}");
        return last;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        if (ownsSimulator)
        {
            await Simulator.DisposeAsync();
        }

        await Tables.DisposeAsync();
        await Queues.DisposeAsync();
    }
}

/// <param name="Sdk">What the app initialises the SDK with besides the token.</param>
public sealed record CreatedTransactionJson(string TransactionId, string GatewayToken, DateTimeOffset ExpireAt, string? Broker, JsonElement Sdk);
