using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Client.Auth;
using Gateway.Client.Http;
using Gateway.Client.Json;
using Gateway.Client.Orders;
using Gateway.Client.Sdk;
using Gateway.Client.Transactions;
using Gateway.Simulator;
using Gateway.Simulator.Api;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Hosting;
using Gateway.Simulator.Json;
using Gateway.Simulator.Market;
using Gateway.Simulator.Scenarios;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Gateway.Contract.Tests;

/// <summary>The typed client registered the way an app registers it, and the log records it wrote.</summary>
internal sealed class ClientUnderTest(ServiceProvider services) : IAsyncDisposable
{
    public IGatewayClient Client { get; } = services.GetRequiredService<IGatewayClient>();

    public FakeLogCollector Logs { get; } = services.GetFakeLogCollector();

    public ValueTask DisposeAsync() => services.DisposeAsync();
}

/// <summary>
/// One Gateway simulator in-process (127.0.0.1, free port, frozen clock) and the typed client pointed at it, plus the
/// user's side of the SDK flow over the simulator's <c>/_sdk</c> routes. The clock moves only when a test moves it.
/// </summary>
internal sealed class ContractHarness : IAsyncDisposable
{
    public const string Secret = "contract-test-secret";
    public const string ApiSecret = "contract-test-api-secret";
    public const string Notes = "ref_contract_7f3a";

    /// <summary>Friday 27 Nov 2026, 11:00 IST: the market is open.</summary>
    public static readonly DateTimeOffset FridayMorning = Ist(2026, 11, 27, 11, 0);

    /// <summary>Friday 27 Nov 2026, 15:30 IST: the session closes.</summary>
    public static readonly DateTimeOffset FridayClose = Ist(2026, 11, 27, 15, 30);

    /// <summary>Friday 27 Nov 2026, 18:00 IST: the market is closed until Monday 09:15.</summary>
    public static readonly DateTimeOffset FridayEvening = Ist(2026, 11, 27, 18, 0);

    public static readonly DateTimeOffset MondayOpen = Ist(2026, 11, 30, 9, 15);

    /// <summary>Generous limits, so only the tests about timeouts ever see one.</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan OverallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A safety net against a hung test, not a timing assertion.</summary>
    private readonly CancellationTokenSource lifetime = new(TimeSpan.FromMinutes(2));
    private readonly List<ClientUnderTest> clients = [];
    private readonly HttpClient sdk;

    private ContractHarness(RunningSimulator simulator)
    {
        Sim = simulator;
        sdk = new HttpClient { BaseAddress = simulator.BaseUri };
        App = CreateClient();
    }

    public RunningSimulator Sim { get; }

    /// <summary>The client with the right secrets, gateway name and generous timeouts.</summary>
    public ClientUnderTest App { get; }

    public IGatewayClient Client => App.Client;

    public CancellationToken Ct => lifetime.Token;

    public DateTimeOffset Now => Sim.Clock.GetUtcNow();

    public static DateTimeOffset Ist(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, MarketCalendar.IstOffset);

    public static async Task<ContractHarness> StartAsync(DateTimeOffset clockStart)
    {
        var simulator = await SimulatorHost.StartAsync(
            new SimulatorOptions
            {
                ClockStart = clockStart,
                FreezeClock = true,
                Secret = Secret,
                ApiSecret = ApiSecret,
                MaxApiHang = TimeSpan.FromSeconds(15),
            },
            CancellationToken.None);
        return new ContractHarness(simulator);
    }

    /// <summary>Builds the client exactly as an app does: logging, options validated at start, a secret source.</summary>
    public ClientUnderTest CreateClient(Action<GatewayOptions>? adjust = null, GatewaySecrets? secrets = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddSingleton<IGatewaySecretSource>(new FixedGatewaySecrets(secrets ?? new GatewaySecrets(Secret, ApiSecret)));
        services.AddGatewayClient(options =>
        {
            options.BaseUrl = Sim.BaseUri;
            options.GatewayName = Sim.Options.GatewayName;
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            options.AttemptTimeout = AttemptTimeout;
            options.OverallTimeout = OverallTimeout;
            adjust?.Invoke(options);
        });
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        var client = new ClientUnderTest(provider);
        clients.Add(client);
        return client;
    }

    public string Guest() => Sim.Tokens.MintGuest();

    public string Connected(string smallcaseAuthId) => Sim.Tokens.MintConnected(smallcaseAuthId);

    public static SecurityOrder Buy(string ticker, int quantity) => new(ticker, quantity, TradeType.Buy);

    public static SecurityOrder Sell(string ticker, int quantity) => new(ticker, quantity, TradeType.Sell);

    public Task<CreatedTransaction> CreateAsync(params SecurityOrder[] securities) =>
        Client.CreateTransactionAsync(new CreateTransactionRequest(securities, Notes), Guest(), Ct);

    public Task<TransactionDetails> DetailsAsync(string transactionId, string? token = null) =>
        Client.GetTransactionDetailsAsync(transactionId, token ?? Guest(), Ct);

    public Task<OrderDetails> OrdersAsync(string transactionId, string? token = null) =>
        Client.GetOrderDetailsAsync(transactionId, token ?? Guest(), Ct);

    public TransactionTruth Truth(string transactionId) =>
        Sim.Simulation.GetTruth(transactionId) ?? throw new InvalidOperationException($"The simulator has no {transactionId}.");

    /// <summary>Sets the scenario for transactions created from now on.</summary>
    public void UseScenario(Scenario scenario) => Sim.Simulation.SetDefaultScenario(scenario);

    public static Scenario Outcomes(params (string Ticker, OrderOutcome Outcome)[] outcomes) =>
        new() { Outcomes = outcomes.ToDictionary(o => o.Ticker, o => o.Outcome) };

    /// <summary>Arms a fault on the next <see cref="ApiFault.Count"/> calls of one Gateway API.</summary>
    public void ArmFault(string api, ApiFault fault) =>
        Sim.Simulation.SetDefaultScenario(Scenario.Default with { ApiFaults = new Dictionary<string, ApiFault> { [api] = fault } });

    /// <summary>Calls of <paramref name="api"/> the armed fault has left; 0 when it is used up.</summary>
    public int FaultCallsLeft(string api) =>
        Sim.Simulation.Faults.Snapshot().TryGetValue(api, out var armed) ? armed.Remaining : 0;

    /// <summary>Moves the frozen clock and runs everything that fell due (market events, webhook deliveries).</summary>
    public async Task MoveClockToAsync(DateTimeOffset instant)
    {
        Sim.Clock.SetTo(instant);
        await Sim.RunDueWorkAsync(Ct);
    }

    public Task AdvanceClockAsync(TimeSpan delta) => MoveClockToAsync(Now + delta);

    public async Task<HttpResponseMessage> SdkAsync(string transactionId, string step, object? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/_sdk/transactions/{transactionId}/{step}");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: GatewayJson.Options);
        }

        request.Headers.Add(GatewayAuth.TokenHeader, token ?? Guest());
        return await sdk.SendAsync(request, Ct);
    }

    /// <summary>An SDK step that must succeed; returns what the SDK shows after it.</summary>
    public async Task<SdkView> StepAsync(string transactionId, string step, object? body = null, string? token = null)
    {
        using var response = await SdkAsync(transactionId, step, body, token);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"SDK {step}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<SdkView>(text, SimulatorJson.Control)!;
    }

    /// <summary>Opens the SDK, chooses the broker and logs in: the transaction is USED.</summary>
    public async Task<SdkView> LoginAsync(string transactionId, string broker = "kite", string? accountId = null)
    {
        await StepAsync(transactionId, "open");
        await StepAsync(transactionId, "broker", new SdkBrokerChoice(broker));
        return await StepAsync(transactionId, "login", new SdkLogin(accountId));
    }

    public Task<SdkView> EditAsync(string transactionId, params SecurityOrder[] edits) =>
        StepAsync(transactionId, "edit", new SdkEdit(edits));

    /// <summary>Confirms and returns the order response the SDK result carries (the app receives the whole envelope).</summary>
    public async Task<OrderResponse> ConfirmAsync(string transactionId)
    {
        using var response = await SdkAsync(transactionId, "confirm");
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"SDK confirm: {(int)response.StatusCode} {text}");
        using var envelope = JsonDocument.Parse(text);
        Assert.True(SdkResult.TryRead<OrderResponse>(envelope.RootElement, GatewayJson.Options, out var orders, out var error, out var problem), problem);
        Assert.Null(error);
        return orders!;
    }

    /// <summary>Creates, logs in with <paramref name="broker"/> and confirms.</summary>
    public async Task<(string TransactionId, OrderResponse SdkResult)> TradeAsync(string broker, params SecurityOrder[] securities)
    {
        var created = await CreateAsync(securities);
        await LoginAsync(created.TransactionId, broker);
        return (created.TransactionId, await ConfirmAsync(created.TransactionId));
    }

    public Task<(string TransactionId, OrderResponse SdkResult)> TradeAsync(params SecurityOrder[] securities) =>
        TradeAsync("kite", securities);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        sdk.Dispose();
        await Sim.DisposeAsync();
        lifetime.Dispose();
    }
}

/// <summary>A fresh simulator and client per test (xunit creates the class per test), stopped after it.</summary>
public abstract class ContractTestBase : IAsyncLifetime
{
    private ContractHarness? harness;

    internal ContractHarness H => harness ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => harness = await ContractHarness.StartAsync(ContractHarness.FridayMorning);

    public async Task DisposeAsync()
    {
        if (harness is not null)
        {
            await harness.DisposeAsync();
        }
    }
}
