using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using FunctionApp.Hosting;
using FunctionApp.Tests.Infrastructure;
using FunctionApp.Tracking;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Scenarios;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Tracking;

/// <summary>
/// Drives tracked transactions through the app, the simulator and simulated time, and checks the result against the
/// simulator's ground truth. Keeps every outcome event it has read from the <c>transaction-outcomes</c> queue.
/// </summary>
internal sealed class TrackingKit(AppHarness harness, string userId = "trader")
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly List<OutcomeEvent> outcomes = [];

    public AppHarness Harness => harness;

    public string UserId => userId;

    public IReadOnlyList<OutcomeEvent> Outcomes => outcomes;

    public Simulation Simulation => harness.Simulator.Simulation;

    public DateTimeOffset Now => harness.Simulator.Clock.GetUtcNow();

    /// <summary>Creates a transaction through the app and scripts what the simulator does with it.</summary>
    public async Task<CreatedTransactionJson> CreateAsync(string securitiesJson, Scenario? scenario = null)
    {
        var created = await harness.CreateTransactionAsync(userId, securitiesJson);
        if (scenario is not null)
        {
            Assert.True(Simulation.SetScenario(created.TransactionId, scenario));
        }

        return created;
    }

    /// <summary>The user opens the SDK, logs in at the broker and confirms; returns the SDK result.</summary>
    public Task<JsonElement> ConfirmInSdkAsync(CreatedTransactionJson created, string broker = "kite") =>
        harness.CompleteSdkFlowAsync(created, broker);

    /// <summary>What the platform's app does with the SDK's answer: posts it to the app.</summary>
    public async Task PostSdkResultAsync(string transactionId, object sdkResult)
    {
        using var client = harness.Client(userId);
        using var response = await client.PostAsync($"/api/transactions/{transactionId}/sdk-result", JsonContent.Create(sdkResult));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    public Task<JsonElement> ViewAsync(string transactionId) => harness.GetTransactionAsync(userId, transactionId);

    /// <summary>
    /// Moves the simulated market's clock, then runs what fell due in the simulator (market, webhook deliveries). The
    /// tracker's durable timers run in real time and do not follow a jump: what the jump makes happen reaches the
    /// tracker as webhooks.
    /// </summary>
    public async Task AdvanceClockAsync(TimeSpan by)
    {
        harness.Simulator.Clock.AdvanceBy(by);
        await harness.Simulator.RunDueWorkAsync(CancellationToken.None);
    }

    public Task SetClockAsync(DateTimeOffset to) => AdvanceClockAsync(to - Now);

    /// <summary>Waits until the app shows the transaction final.</summary>
    /// <param name="patience">How long to wait; <see cref="Patience"/> unless the test says otherwise.</param>
    public async Task<JsonElement> WaitUntilFinalAsync(string transactionId, TimeSpan? patience = null)
    {
        JsonElement view = default;
        try
        {
            await Eventually.Until(PollAsync, patience ?? Patience, $"transaction {transactionId} to become final");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last view: {view}", e);
        }

        return view;

        async Task<bool> PollAsync()
        {
            view = await ViewAsync(transactionId);
            return view.GetProperty("final").GetBoolean();
        }
    }

    /// <summary>Waits until the app shows <paramref name="status"/> (not necessarily final).</summary>
    public async Task<JsonElement> WaitForStatusAsync(string transactionId, string status)
    {
        JsonElement view = default;
        await Eventually.Until(
            async () => (view = await ViewAsync(transactionId)).GetProperty("status").GetString() == status,
            Patience,
            $"transaction {transactionId} to reach {status}");
        return view;
    }

    /// <summary>Waits until the app shows exactly these stocks (see <see cref="Stocks"/>).</summary>
    public async Task<JsonElement> WaitForStocksAsync(string transactionId, IReadOnlyList<string> stocks)
    {
        JsonElement view = default;
        await Eventually.Until(
            async () => Stocks(view = await ViewAsync(transactionId)).SequenceEqual(stocks),
            Patience,
            $"transaction {transactionId} to show {string.Join(", ", stocks)}");
        return view;
    }

    /// <summary>Receives (and deletes) every message on the outcomes queue (each a batch of events); returns every event read so far.</summary>
    public async Task<IReadOnlyList<OutcomeEvent>> DrainOutcomesAsync()
    {
        var queue = harness.Services.GetRequiredService<StorageQueues>().Queue(QueueNames.TransactionOutcomes);
        while (true)
        {
            QueueMessage[] messages = await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1));
            if (messages.Length == 0)
            {
                return outcomes;
            }

            foreach (var message in messages)
            {
                outcomes.AddRange(OutcomeEvent.ParseBatch(message.MessageText));
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    /// <summary>
    /// Waits until the transaction is final and its final event is published, then asserts that the app's view and
    /// the published events equal the simulator's ground truth. Returns the truth.
    /// </summary>
    public async Task<TransactionTruth> AssertMatchesTruthAsync(string transactionId)
    {
        var view = await WaitUntilFinalAsync(transactionId);
        await Eventually.Until(
            async () => (await DrainOutcomesAsync()).Any(e => e.Subject == transactionId && e.IsFinal),
            Patience,
            $"the final event of {transactionId}");
        await DrainOutcomesAsync();
        var truth = Simulation.GetTruth(transactionId)!;
        AssertNoDifferences("view", GroundTruthComparison.CompareView(view, truth), view);
        AssertNoDifferences("events", GroundTruthComparison.CompareEvents(outcomes, truth), view);
        return truth;
    }

    /// <summary>The hits (webhooks, SDK results) the app handed to the transaction's tracking, in the order they were handed over.</summary>
    public IReadOnlyList<RaisedSignal> StoredHits(string transactionId) => harness.Signals.For(transactionId);

    private static void AssertNoDifferences(string what, IReadOnlyList<string> differences, JsonElement view) =>
        Assert.True(differences.Count == 0, $"The app's {what} differs from the ground truth:\n{string.Join("\n", differences)}\nTimeline:\n{string.Join("\n", Timeline(view))}");

    public static DateTimeOffset? NextWakeAt(JsonElement view) =>
        view.GetProperty("next") is { ValueKind: JsonValueKind.Object } next ? next.GetProperty("at").GetDateTimeOffset() : null;

    /// <summary>The timeline's event texts, oldest first.</summary>
    public static IReadOnlyList<string> Timeline(JsonElement view) =>
        [.. view.GetProperty("timeline").EnumerateArray().Select(entry => entry.GetProperty("event").GetString()!)];

    /// <summary>Every stock of the view as "TICKER SIDE STATUS filled/quantity".</summary>
    public static IReadOnlyList<string> Stocks(JsonElement view) =>
        [.. view.GetProperty("batches").EnumerateArray()
            .SelectMany(batch => batch.GetProperty("orders").EnumerateArray())
            .Select(o => $"{o.GetProperty("ticker").GetString()} {o.GetProperty("transactionType").GetString()} {o.GetProperty("status").GetString()} {o.GetProperty("filledQuantity").GetInt32()}/{o.GetProperty("quantity").GetInt32()}")
            .Order(StringComparer.Ordinal)];
}
