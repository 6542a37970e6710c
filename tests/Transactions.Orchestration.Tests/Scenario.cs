using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Transactions.Tracking;

namespace Transactions.Orchestration.Tests;

/// <summary>One transaction's orchestration on a <see cref="ScriptedOrchestrationContext"/>, with a scripted Gateway.</summary>
internal sealed class Scenario
{
    public const string TransactionId = "TRX_47fbd57104814ddd9d57af8ae6556024";
    public const string AuthId = "611a21465fc1af22353c1395";
    public const string OtherAuthId = "5f0c9e2a1b3d4c5e6f708192";

    /// <summary>Wednesday 2026-01-07 11:00 IST: a normal trading session.</summary>
    public static readonly DateTimeOffset SessionMorning = Ist(2026, 1, 7, 11, 0);

    /// <param name="appClockOffset">How far the app's clock is ahead of the orchestration's.</param>
    public Scenario(DateTimeOffset? start = null, TrackerTimings? timings = null, bool replaying = false, TimeSpan appClockOffset = default)
    {
        var at = start ?? SessionMorning;
        Timings = timings ?? TrackerTimings.Default;
        AppClockOffset = appClockOffset;
        Initial = new TrackerEngine(new FixedTime(at), Timings, MarketCalendar.Nse()).Start(TransactionId, at.AddMinutes(15)).State;
        Context = new ScriptedOrchestrationContext((at - appClockOffset).UtcDateTime, TransactionId) { Replaying = replaying };
        Context.Activities = Answer;
        Orchestration = new TrackingOrchestration(Timings, MarketCalendar.Nse(), Observer);
    }

    public TrackerTimings Timings { get; }

    public TrackedTransaction Initial { get; }

    public TimeSpan AppClockOffset { get; }

    public ScriptedOrchestrationContext Context { get; }

    public RecordingObserver Observer { get; } = new();

    public TrackingOrchestration Orchestration { get; }

    /// <summary>What the Gateway answers to the next transaction-details read.</summary>
    public Func<GatewayReadRequest, GatewayReadResult> TransactionDetails { get; set; } = request => Details(request, TransactionStatus.Initialized);

    public Func<GatewayReadRequest, GatewayReadResult> OrderDetails { get; set; } = request => new GatewayReadResult(request.Target, Orders: new OrderDetails());

    /// <summary>Throws to fail the record activity.</summary>
    public Action<TrackerChange> Record { get; set; } = _ => { };

    public List<GatewayReadRequest> Reads => [.. Context.ActivityCalls.Where(c => c.Name == TrackingOrchestration.ReadGatewayActivity).Select(c => (GatewayReadRequest)c.Input!)];

    public List<TrackerChange> Recorded => [.. Context.ActivityCalls.Where(c => c.Name == TrackingOrchestration.RecordChangeActivity).Select(c => (TrackerChange)c.Input!)];

    public Task<TrackerOutcomeKind> Start() => Orchestration.RunAsync(Context, new TrackingInput(Initial, AppClockOffset));

    /// <summary>The app's time (the orchestration's shifted by <see cref="AppClockOffset"/>).</summary>
    public DateTimeOffset Now => new DateTimeOffset(Context.Now, TimeSpan.Zero) + AppClockOffset;

    /// <summary>When the pending timers fire, in the app's time.</summary>
    public IEnumerable<DateTimeOffset> PendingWakeUps => Context.PendingTimers.Select(t => new DateTimeOffset(t, TimeSpan.Zero) + AppClockOffset);

    public static DateTimeOffset Ist(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, MarketCalendar.IndiaStandardTime);

    public static GatewayReadResult Details(GatewayReadRequest request, TransactionStatus status, string? authId = AuthId) =>
        new(request.Target, Transaction: new TransactionDetails
        {
            TransactionId = TransactionId,
            SmallcaseAuthId = authId,
            Broker = "kite",
            Details = new TransactionDetailsStatus { Status = status },
        });

    public static GatewayReadResult Orders(GatewayReadRequest request, string batchStatus, params (string Ticker, string Status, int Filled)[] stocks) =>
        new(request.Target, Orders: new OrderDetails
        {
            OrderBatches =
            [
                new OrderBatch
                {
                    BatchId = "611a21737f8bf5d33e986067",
                    TransactionId = TransactionId,
                    Status = BatchStatus.From(batchStatus),
                    Variety = OrderVariety.From("regular"),
                    Quantity = stocks.Length,
                    Orders = [.. stocks.Select(s => new StockOrder
                    {
                        Tradingsymbol = s.Ticker,
                        Status = StockOrderStatus.From(s.Status),
                        Quantity = 10,
                        FilledQuantity = s.Filled,
                        TransactionType = TradeType.From("BUY"),
                        OrderType = OrderType.From("MARKET"),
                        AveragePrice = s.Filled > 0 ? 412.35m : 0m,
                        Product = "CNC",
                        Exchange = "NSE",
                    })],
                },
            ],
        });

    private GatewayReadResult? Answer(string activity, object? input)
    {
        switch (activity)
        {
            case TrackingOrchestration.ReadGatewayActivity:
                var request = Assert.IsType<GatewayReadRequest>(input);
                Assert.Equal(TransactionId, request.TransactionId);
                return request.Target == PollTarget.OrderDetails ? OrderDetails(request) : TransactionDetails(request);
            case TrackingOrchestration.RecordChangeActivity:
                Record(Assert.IsType<TrackerChange>(input));
                return null;
            default:
                throw new InvalidOperationException($"Unexpected activity {activity}.");
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}

internal sealed class RecordingObserver : ITrackingObserver
{
    public List<string> Reports { get; } = [];

    public void Ignored(string transactionId, TrackerTrigger trigger, TrackerIgnoreReason reason) => Reports.Add($"ignored {trigger} {reason}");

    public void ForeignSmallcaseAuthId(string transactionId, TrackerTrigger trigger) => Reports.Add($"foreign {trigger}");

    public void Changed(string transactionId, TrackerPhase from, TrackerDecision decision) => Reports.Add($"changed {from}->{decision.State.Phase}");

    public void ReadFailed(string transactionId, PollTarget target, string reason) => Reports.Add($"read failed {target}");
}
