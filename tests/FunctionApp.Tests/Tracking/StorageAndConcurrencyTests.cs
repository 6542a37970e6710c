using System.Diagnostics.Metrics;
using System.Text.Json;
using Azure.Data.Tables;
using FunctionApp.Hosting;
using FunctionApp.Telemetry;
using FunctionApp.Tests.Infrastructure;
using FunctionApp.Tracking;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Client.Webhooks;
using Gateway.Simulator;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TestSupport;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp.Tests.Tracking;

/// <summary>Fault matrix: storage down while a webhook arrives, racing writers on one transaction, poison messages.</summary>
[Collection(SharedAzurite.Name)]
public sealed class StorageAndConcurrencyTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task StorageDown_WhileWebhooksArrive_Answered503ThenStoredFromTheGatewaysRetry()
    {
        // The app answers 503 once the storage client's retries give up (seconds): the simulator must wait for it.
        await using var harness = await AppHarness.StartAsync(
            azurite, simulatorOptions: new SimulatorOptions { ClockStart = AppHarness.MarketHours, WebhookTimeout = TimeSpan.FromSeconds(30) });
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);
        harness.Tables.Disable();

        await kit.ConfirmInSdkAsync(created);
        await Eventually.Until(
            () => kit.Simulation.GetTruth(created.TransactionId)!.Webhooks is { Count: > 0 } hooks && hooks.All(w => w.Attempts.Count > 0),
            TrackingKit.Patience,
            "every webhook attempted once");
        var refused = kit.Simulation.GetTruth(created.TransactionId)!;
        Assert.All(refused.Webhooks, w => Assert.Equal(503, Assert.Single(w.Attempts).StatusCode));
        Assert.All(refused.Webhooks, w => Assert.NotEmpty(w.PendingAttempts));
        harness.Tables.Enable();
        Assert.Empty(kit.StoredHits(created.TransactionId));

        await kit.AdvanceClockAsync(kit.Simulation.GetTruth(created.TransactionId)!.Webhooks.Max(w => w.PendingAttempts[0]) - kit.Now);

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.All(truth.Webhooks, w => Assert.Equal([503, 200], w.Attempts.Select(a => a.StatusCode)));
        Assert.Equal(truth.Webhooks.Count, kit.StoredHits(created.TransactionId).Count);
    }

    [Fact]
    public async Task WebhooksAndTimersRacing_OnOneTransaction_EveryEffectKeptAndNoVersionWrittenTwice()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        string[] tickers = ["RELIANCE", "ITC", "TCS", "INFY", "HDFCBANK", "SBIN", "LT", "AXISBANK", "WIPRO", "MARUTI", "ONGC", "NTPC"];
        var created = await kit.CreateAsync(JsonSerializer.Serialize(tickers.Select(t => new { ticker = t, quantity = 1, type = "BUY" })));
        var id = created.TransactionId;
        // One order-details answer per stock, so a lost update would lose a stock; webhooks, timers and other polls race
        // with them. Every webhook and poll changes the state (a poll counts itself), a timer of version 1 never does.
        List<TrackerEvent> events =
        [
            .. tickers.Select((ticker, i) => PartlyFilled(id, ticker, filled: i + 1)),
            .. Enumerable.Range(0, 4).Select(i => PlacedWebhook(id, $"race-{i}")),
            .. Enumerable.Repeat<TrackerEvent>(new TimerFired(1), 4),
            .. Enumerable.Repeat<TrackerEvent>(new TransactionDetailsPolled(new TransactionDetails { TransactionId = id, Details = new TransactionDetailsStatus { Status = TransactionStatus.Processing } }), 3),
        ];
        var tracker = harness.Services.GetRequiredService<TransactionTracker>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = events.Select(e => Task.Run(async () =>
        {
            await start.Task;
            return await tracker.ApplyAsync(id, e, CancellationToken.None);
        })).ToList();

        start.SetResult();
        var decisions = await Task.WhenAll(racers);

        var written = decisions.Where(d => d!.Changed).Select(d => d!.State.Version).ToList();
        Assert.Equal(written.Count, written.Distinct().Count());
        Assert.Equal(events.Count(e => e is not TimerFired), written.Count);
        var view = await kit.ViewAsync(id);
        Assert.Equal(tickers.Select((t, i) => $"{t} BUY PARTIAL {i + 1}/{i + 2}").Order(StringComparer.Ordinal), TrackingKit.Stocks(view));
        Assert.Equal("PROCESSING", view.GetProperty("gatewayStatus").GetString());
        var timeline = TrackingKit.Timeline(view);
        Assert.All(tickers, t => Assert.Single(timeline, e => e.StartsWith($"order details: {t} BUY new->PARTIAL", StringComparison.Ordinal)));
        Assert.Equal(4, timeline.Count(e => e.StartsWith("webhook", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SignalsArrivingWhileTheirTransactionIsBusy_AppliedTogetherInOneStateChange()
    {
        var readGate = new TransactionReadGate();
        var requests = new StorageRequestRecorder();
        await using var harness = await AppHarness.StartAsync(azurite, storagePolicies: [readGate, requests], asFunctionsHostStarts: true);
        var kit = new TrackingKit(harness);
        string[] tickers = ["RELIANCE", "ITC", "TCS"];
        var id = (await kit.CreateAsync(JsonSerializer.Serialize(tickers.Select(t => new { ticker = t, quantity = 1, type = "BUY" })))).TransactionId;
        var tracker = harness.Services.GetRequiredService<TransactionTracker>();
        var messages = tickers.Select(t => new TrackerSignalMessage(
            id, $"busy-{t}", TrackerSignalMessage.Webhook, JsonSerializer.SerializeToElement(PlacedWebhook(id, t).Webhook, Gateway.Client.Json.GatewayJson.Options))).ToList();
        var mark = requests.Count;

        // The first signal holds the transaction (its read is held back) while the other two arrive.
        readGate.HoldNextRead();
        var first = tracker.ApplySignalAsync(messages[0], CancellationToken.None);
        await readGate.Held.WaitAsync(TrackingKit.Patience);
        var others = messages.Skip(1).Select(m => tracker.ApplySignalAsync(m, CancellationToken.None)).ToList();
        readGate.Release();
        await Task.WhenAll([first, .. others]);

        var sent = requests.Since(mark).Select(r => r.Describe(harness.NamePrefix)).ToList();
        Assert.Equal(2, sent.Count(r => r.StartsWith("point read Transactions", StringComparison.Ordinal)));
        Assert.DoesNotContain(sent, r => r.StartsWith("send transaction-outcomes", StringComparison.Ordinal));
        var view = await kit.ViewAsync(id);
        Assert.Empty(TrackingKit.Stocks(view));
        Assert.Equal(3, TrackingKit.Timeline(view).Count(e => e.StartsWith("webhook", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task PoisonMessage_HandlerFailsEveryTime_MovedAsideLoggedCountedAndInboxKept()
    {
        await using var harness = await AppHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:MaxDequeueCount"] = "3" });
        var logs = new FakeLogCollector();
        harness.Services.GetRequiredService<ILoggerFactory>().AddProvider(new FakeLoggerProvider(logs));
        using var poisoned = new MetricCollector<long>(harness.Services.GetRequiredService<IMeterFactory>(), AppMetrics.MeterName, "queue.poisoned");
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);
        await CorruptStateAsync(harness, created.TransactionId);

        await kit.ConfirmInSdkAsync(created);

        var poisonQueue = harness.Services.GetRequiredService<StorageQueues>().Queue(QueueNames.TrackerEventsPoison);
        var webhooks = kit.Simulation.GetTruth(created.TransactionId)!.Webhooks.Count;
        await Eventually.Until(
            async () => (await poisonQueue.PeekMessagesAsync(32)).Value.Length == webhooks,
            TrackingKit.Patience,
            "every tracker-events message in the poison queue");
        var moved = (await poisonQueue.PeekMessagesAsync(32)).Value;
        Assert.All(moved, m => Assert.Equal(created.TransactionId, JsonDocument.Parse(m.MessageText).RootElement.GetProperty("transactionId").GetString()));
        await Eventually.Until(() => poisoned.GetMeasurementSnapshot().Count == webhooks, TrackingKit.Patience, "the poison metric");
        Assert.All(poisoned.GetMeasurementSnapshot(), m => Assert.Equal("TrackerEvents", m.Tags["function"]));
        var poisonLogs = logs.GetSnapshot().Where(r => r.Id.Id == 1010).ToList();
        Assert.Equal(webhooks, poisonLogs.Count);
        Assert.All(poisonLogs, r => Assert.Equal(LogLevel.Error, r.Level));
        // Nothing is lost: the poison queue keeps each hit itself, ready to be replayed.
        Assert.All(moved, m => Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(m.MessageText).RootElement.GetProperty("body").GetProperty("orderBatches").ValueKind));
    }

    private static OrderDetailsPolled PartlyFilled(string transactionId, string ticker, int filled) => new(new OrderDetails
    {
        OrderBatches =
        [
            new OrderBatch
            {
                BatchId = "611a21737f8bf5d33e986067",
                TransactionId = transactionId,
                Variety = OrderVariety.Regular,
                Status = BatchStatus.Placed,
                Orders = [new StockOrder { Tradingsymbol = ticker, TransactionType = TradeType.Buy, Status = StockOrderStatus.Partial, Quantity = filled + 1, FilledQuantity = filled, AveragePrice = 100m }],
            },
        ],
    });

    private static WebhookReceived PlacedWebhook(string transactionId, string signalKey) => new(new GatewayWebhook
    {
        TransactionId = transactionId,
        Broker = "kite",
        SmallcaseAuthId = "611a21465fc1af22353c1395",
        OrderBatches = [new OrderBatch { TransactionId = transactionId, Status = BatchStatus.Placed }],
    })
    {
        SignalKey = signalKey,
    };

    /// <summary>Makes the tracker's state unreadable, so every attempt to apply an event to it fails.</summary>
    private static async Task CorruptStateAsync(AppHarness harness, string transactionId)
    {
        var table = harness.Services.GetRequiredService<StorageClients>().Table(TableNames.Transactions);
        var row = (await table.GetEntityAsync<TableEntity>(transactionId, "tx")).Value;
        row["StateJson"] = "{ this is not a tracked transaction";
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
    }

    /// <summary>Holds back one read of a transaction row, when asked, until released.</summary>
    private sealed class TransactionReadGate : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private readonly TaskCompletionSource held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int armed;

        public Task Held => held.Task;

        public void HoldNextRead() => Interlocked.Exchange(ref armed, 1);

        public void Release() => released.TrySetResult();

        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessNext(message, pipeline);

        public override async ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Method == Azure.Core.RequestMethod.Get
                && message.Request.Uri.Path.Contains(TableNames.Transactions + "(", StringComparison.Ordinal)
                && Interlocked.Exchange(ref armed, 0) == 1)
            {
                held.TrySetResult();
                await released.Task;
            }

            await ProcessNextAsync(message, pipeline);
        }
    }
}
