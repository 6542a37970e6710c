using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.Client.Json;
using Gateway.Client.Orders;
using Gateway.Client.Sdk;
using Gateway.Client.Transactions;
using Gateway.Simulator.Api;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Hosting;
using Gateway.Simulator.Json;
using Gateway.Simulator.Market;
using Gateway.Simulator.Scenarios;

namespace Gateway.Simulator.Tests;

/// <summary>
/// A simulator started in-process on a free port with its clock frozen, plus a webhook receiver, and the raw HTTP
/// calls a platform and a user would make. Requests and responses use the Gateway.Client wire models.
/// </summary>
internal sealed class TestSimulator : IAsyncDisposable
{
    public const string Secret = "test-secret";
    public const string ApiSecret = "test-api-secret";
    public const string GatewayName = "demo-gateway";

    /// <summary>Friday 27 Nov 2026, 11:00 IST: the market is open.</summary>
    public static readonly DateTimeOffset FridayMorning = Ist(2026, 11, 27, 11, 0);

    /// <summary>Friday 27 Nov 2026, 18:00 IST: the market is closed until Monday 09:15.</summary>
    public static readonly DateTimeOffset FridayEvening = Ist(2026, 11, 27, 18, 0);

    public static readonly DateTimeOffset MondayOpen = Ist(2026, 11, 30, 9, 15);

    private TestSimulator(RunningSimulator running, WebhookReceiver webhooks)
    {
        Running = running;
        Webhooks = webhooks;
        Http = new HttpClient { BaseAddress = running.BaseUri };
    }

    public RunningSimulator Running { get; }

    public WebhookReceiver Webhooks { get; }

    public HttpClient Http { get; }

    public Simulation Simulation => Running.Simulation;

    public DateTimeOffset Now => Running.Clock.GetUtcNow();

    public static DateTimeOffset Ist(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, MarketCalendar.IstOffset);

    public static async Task<TestSimulator> StartAsync(DateTimeOffset? now = null, Func<SimulatorOptions, SimulatorOptions>? configure = null)
    {
        var webhooks = await WebhookReceiver.StartAsync();
        var options = new SimulatorOptions
        {
            Secret = Secret,
            ApiSecret = ApiSecret,
            WebhookUrl = webhooks.Url,
            ClockStart = now ?? FridayMorning,
            FreezeClock = true,
        };
        var running = await SimulatorHost.StartAsync(configure?.Invoke(options) ?? options, CancellationToken.None);
        return new TestSimulator(running, webhooks);
    }

    public string Guest() => Running.Tokens.MintGuest();

    public string Connected(string smallcaseAuthId) => Running.Tokens.MintConnected(smallcaseAuthId);

    public static CreateTransactionBody Body(params SecurityOrder[] securities) =>
        CreateTransactionBody.From(new CreateTransactionRequest(securities, "ref_9f2c"));

    public static SecurityOrder Buy(string ticker, int quantity) => new(ticker, quantity, TradeType.Buy);

    public static SecurityOrder Sell(string ticker, int quantity) => new(ticker, quantity, TradeType.Sell);

    public Task<HttpResponseMessage> PostCreateAsync(CreateTransactionBody body, string? token = null, string? apiSecret = ApiSecret, string gateway = GatewayName) =>
        PostCreateRawAsync(JsonSerializer.Serialize(body, GatewayJson.Options), token, apiSecret, gateway);

    public async Task<HttpResponseMessage> PostCreateRawAsync(string json, string? token = null, string? apiSecret = ApiSecret, string gateway = GatewayName)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/gateway/{gateway}/transaction")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        AddAuth(request, token ?? Guest(), apiSecret);
        return await Http.SendAsync(request);
    }

    public async Task<string> CreateAsync(params SecurityOrder[] securities) => await CreateAsync(Guest(), securities);

    public async Task<string> CreateAsync(string token, params SecurityOrder[] securities)
    {
        using var response = await PostCreateAsync(Body(securities), token);
        var envelope = await EnvelopeAsync<CreatedTransaction>(response);
        Assert.True(envelope.Success, string.Join("; ", envelope.Errors ?? []));
        return envelope.Data!.TransactionId;
    }

    public async Task<HttpResponseMessage> GetDetailsRawAsync(string transactionId, string? token = null, string? apiSecret = ApiSecret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/{GatewayName}/engine/transactiondetails?transactionId={transactionId}");
        AddAuth(request, token ?? Guest(), apiSecret);
        return await Http.SendAsync(request);
    }

    public async Task<TransactionDetails> DetailsAsync(string transactionId, string? token = null)
    {
        using var response = await GetDetailsRawAsync(transactionId, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var envelope = await EnvelopeAsync<TransactionDetails>(response);
        Assert.True(envelope.Success);
        return envelope.Data!;
    }

    public async Task<HttpResponseMessage> GetOrdersRawAsync(string query, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/{GatewayName}/engine/orders/sst?{query}");
        AddAuth(request, token ?? Guest(), ApiSecret);
        return await Http.SendAsync(request);
    }

    public async Task<IReadOnlyList<OrderBatch>> OrderBatchesAsync(string query, string? token = null)
    {
        using var response = await GetOrdersRawAsync(query, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var envelope = await EnvelopeAsync<OrderDetails>(response);
        Assert.True(envelope.Success);
        return envelope.Data!.OrderBatches;
    }

    public async Task<HttpResponseMessage> SdkAsync(string transactionId, string step, object? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/_sdk/transactions/{transactionId}/{step}");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: GatewayJson.Options);
        }

        request.Headers.Add(GatewayAuth.TokenHeader, token ?? Guest());
        return await Http.SendAsync(request);
    }

    /// <summary>A step that must succeed; returns what the SDK shows after it.</summary>
    public async Task<SdkView> StepAsync(string transactionId, string step, object? body = null, string? token = null)
    {
        using var response = await SdkAsync(transactionId, step, body, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{step}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<SdkView>(text, SimulatorJson.Control)!;
    }

    /// <summary>Open, choose the broker, log in: the transaction is USED.</summary>
    public async Task<SdkView> LoginAsync(string transactionId, string broker = "kite", string? accountId = null, string? token = null)
    {
        await StepAsync(transactionId, "open", token: token);
        await StepAsync(transactionId, "broker", new SdkBrokerChoice(broker), token);
        return await StepAsync(transactionId, "login", new SdkLogin(accountId), token);
    }

    /// <summary>Confirms and returns the order response the SDK result carries.</summary>
    public async Task<OrderResponse> ConfirmAsync(string transactionId, string? token = null)
    {
        using var response = await SdkAsync(transactionId, "confirm", token: token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"confirm: {(int)response.StatusCode} {text}");
        using var envelope = JsonDocument.Parse(text);
        Assert.True(SdkResult.TryRead<OrderResponse>(envelope.RootElement, GatewayJson.Options, out var orders, out var error, out var problem), problem);
        Assert.Null(error);
        return orders!;
    }

    public async Task<OrderResponse> CompleteFlowAsync(string transactionId, string broker = "kite", string? accountId = null, string? token = null)
    {
        await LoginAsync(transactionId, broker, accountId, token);
        return await ConfirmAsync(transactionId, token);
    }

    /// <summary>Moves the clock over HTTP, which also runs whatever fell due.</summary>
    public async Task<ClockView> ChangeClockAsync(ClockChange change)
    {
        using var response = await Http.PostAsJsonAsync("/_sim/clock", change, SimulatorJson.Control);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ClockView>(SimulatorJson.Control))!;
    }

    public Task<ClockView> AdvanceAsync(TimeSpan delta) => ChangeClockAsync(new ClockChange(AdvanceBy: delta));

    public Task<ClockView> SetClockAsync(DateTimeOffset instant) => ChangeClockAsync(new ClockChange(SetTo: instant));

    public async Task SetScenarioAsync(string transactionId, Scenario scenario)
    {
        using var response = await Http.PutAsJsonAsync($"/_sim/transactions/{transactionId}/scenario", scenario, SimulatorJson.Control);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task SetDefaultScenarioAsync(Scenario scenario)
    {
        using var response = await Http.PostAsJsonAsync("/_sim/scenarios", scenario, SimulatorJson.Control);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public Task RunDueWorkAsync() => Running.RunDueWorkAsync(CancellationToken.None);

    public TransactionTruth Truth(string transactionId) =>
        Simulation.GetTruth(transactionId) ?? throw new InvalidOperationException($"No transaction {transactionId}.");

    public static async Task<GatewayEnvelope<T>> EnvelopeAsync<T>(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<GatewayEnvelope<T>>(GatewayJson.Options))!;

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Running.DisposeAsync();
        await Webhooks.DisposeAsync();
    }

    private static void AddAuth(HttpRequestMessage request, string? token, string? apiSecret)
    {
        if (apiSecret is not null)
        {
            request.Headers.Add(GatewayAuth.SecretHeader, apiSecret);
        }

        if (token is not null)
        {
            request.Headers.Add(GatewayAuth.TokenHeader, token);
        }
    }
}

/// <summary>Starts a fresh simulator per test (xunit creates the class per test) and stops it after.</summary>
public abstract class SimulatorTestBase : IAsyncLifetime
{
    private TestSimulator? simulator;

    internal TestSimulator Sim => simulator ?? throw new InvalidOperationException("Not started.");

    /// <summary>When the simulated clock starts; frozen there.</summary>
    protected virtual DateTimeOffset StartAt => TestSimulator.FridayMorning;

    protected virtual SimulatorOptions Configure(SimulatorOptions options) => options;

    public async Task InitializeAsync() => simulator = await TestSimulator.StartAsync(StartAt, Configure);

    public virtual async Task DisposeAsync()
    {
        if (simulator is not null)
        {
            await simulator.DisposeAsync();
        }
    }
}
