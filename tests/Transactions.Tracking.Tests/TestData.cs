using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Client.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace Transactions.Tracking.Tests;

/// <summary>Builders for wire snapshots and tracker states, in IST wall-clock time.</summary>
internal static class TestData
{
    public const string TransactionId = "TRX_47fbd57104814ddd9d57af8ae6556024";
    public const string OtherTransactionId = "TRX_00000000000000000000000000000000";
    public const string AuthId = "611a21465fc1af22353c1395";
    public const string BatchId = "611a21737f8bf5d33e986067";

    /// <summary>Wednesday 2026-01-07 11:00 IST: a normal trading session.</summary>
    public static readonly DateTimeOffset SessionMorning = Ist(2026, 1, 7, 11, 0);

    public static DateTimeOffset Ist(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, MarketCalendar.IndiaStandardTime);

    public static StockOrder Order(
        string ticker,
        string status,
        int quantity = 10,
        int filled = 0,
        string side = "BUY",
        string orderType = "MARKET",
        decimal averagePrice = 0m,
        string? exchangeOrderId = null,
        string? errorCode = null) => new()
        {
            Tradingsymbol = ticker,
            Status = StockOrderStatus.From(status),
            Quantity = quantity,
            FilledQuantity = filled,
            TransactionType = TradeType.From(side),
            OrderType = OrderType.From(orderType),
            AveragePrice = averagePrice,
            ExchangeOrderId = exchangeOrderId,
            ErrorCode = errorCode,
            Product = "CNC",
            Exchange = "NSE",
        };

    public static OrderBatch Batch(string status, params StockOrder[] orders) => Batch(BatchId, status, "regular", orders);

    public static OrderBatch Batch(string? batchId, string status, string variety, StockOrder[] orders, StockOrder[]? unplaced = null) => new()
    {
        BatchId = batchId,
        TransactionId = TransactionId,
        Status = BatchStatus.From(status),
        Variety = OrderVariety.From(variety),
        Quantity = orders.Length + (unplaced?.Length ?? 0),
        Filled = orders.Count(order => order.Status == StockOrderStatus.Complete),
        Orders = orders,
        Unplaced = unplaced ?? [],
    };

    public static GatewayWebhook Webhook(params OrderBatch[] batches) => new()
    {
        TransactionId = TransactionId,
        SmallcaseAuthId = AuthId,
        Broker = "kite",
        Timestamp = "2026-01-07T05:30:00.000Z",
        Checksum = "verified-by-the-host",
        OrderBatches = batches,
    };

    public static WebhookReceived WebhookEvent(params OrderBatch[] batches) => new(Webhook(batches));

    public static TransactionDetailsPolled DetailsEvent(TransactionStatus status, TransactionError? error = null) => new(new TransactionDetails
    {
        TransactionId = TransactionId,
        SmallcaseAuthId = AuthId,
        Broker = "kite",
        Details = new TransactionDetailsStatus { Status = status, Error = error },
    });

    public static OrderDetailsPolled OrderDetailsEvent(params OrderBatch[] batches) => new(new OrderDetails { OrderBatches = batches });

    public static TrackedOrders Merge(params OrderBatch[][] snapshots) =>
        snapshots.Aggregate(TrackedOrders.Empty, (orders, snapshot) => orders.Merge(snapshot, TransactionId).Orders);

    public static TrackedStock Single(this TrackedOrders orders) => Assert.Single(orders.Stocks);
}

/// <summary>An engine on a fake clock, and the state it tracks.</summary>
internal sealed class Tracker
{
    public Tracker(DateTimeOffset start, IEnumerable<DateOnly>? holidays = null, TrackerTimings? timings = null)
    {
        Clock = new FakeTimeProvider(start);
        Engine = new TrackerEngine(Clock, timings ?? TrackerTimings.Default, MarketCalendar.Nse(holidays));
        State = Engine.Start(TestData.TransactionId, start + TimeSpan.FromMinutes(15)).State;
    }

    public FakeTimeProvider Clock { get; }

    public TrackerEngine Engine { get; }

    public TrackedTransaction State { get; private set; }

    public TrackerTimings Timings => Engine.Timings;

    /// <summary>Applies an event and keeps the resulting state, as the host does after a successful save.</summary>
    public TrackerDecision Apply(TrackerEvent trackerEvent)
    {
        var decision = Engine.Apply(State, trackerEvent);
        State = decision.State;
        return decision;
    }

    public TrackerDecision Apply(TrackerEvent trackerEvent, TimeSpan after)
    {
        Clock.Advance(after);
        return Apply(trackerEvent);
    }

    public TrackerDecision FireTimer() => Apply(new TimerFired(State.Version));

    /// <summary>Moves the clock to the wake-up time and fires the timer, as the queue would.</summary>
    public TrackerDecision FireTimerWhenDue()
    {
        var wakeAt = State.NextWakeAt ?? throw new InvalidOperationException("Nothing is scheduled.");
        if (wakeAt > Clock.GetUtcNow())
        {
            Clock.SetUtcNow(wakeAt);
        }

        return FireTimer();
    }
}
