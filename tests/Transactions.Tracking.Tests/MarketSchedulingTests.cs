using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using static Transactions.Tracking.Tests.TestData;

namespace Transactions.Tracking.Tests;

/// <summary>
/// When the tracker wakes for open orders, given the NSE session (09:15–15:30 IST, Monday to Friday). Open orders are
/// known only from the Gateway's order details; before that, PROCESSING alone counts as AMO or limit orders.
/// </summary>
public sealed class MarketSchedulingTests
{
    private static readonly OrderBatch AmoPlaced = Batch(BatchId, "PLACED", "amo", [Order("ITC", "PLACED")]);
    private static readonly OrderBatch LimitPlaced = Batch(BatchId, "PLACED", "regular", [Order("ITC", "PLACED", orderType: "LIMIT")]);
    private static readonly OrderBatch MarketPlaced = Batch(BatchId, "PLACED", "regular", [Order("ITC", "PLACED")]);

    [Fact]
    public void Apply_AmoPlacedFridayEvening_WakesMondayShortlyAfterOpen()
    {
        var tracker = new Tracker(Ist(2026, 1, 9, 18, 0));

        var decision = tracker.Apply(OrderDetailsEvent(AmoPlaced));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 12, 9, 20)), decision.NextAction);
        Assert.Equal(PollTarget.TransactionDetails, decision.State.WaitingFor);
    }

    [Fact]
    public void Apply_AmoPlacedBeforeHolidayMonday_SkipsTheHoliday()
    {
        var tracker = new Tracker(Ist(2026, 1, 23, 18, 0), holidays: [new DateOnly(2026, 1, 26)]);

        var decision = tracker.Apply(OrderDetailsEvent(AmoPlaced));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 27, 9, 20)), decision.NextAction);
    }

    [Fact]
    public void Apply_AmoPlacedEarlyMorning_WakesAfterTodaysOpen()
    {
        var tracker = new Tracker(Ist(2026, 1, 7, 9, 10));

        var decision = tracker.Apply(OrderDetailsEvent(AmoPlaced));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 7, 9, 20)), decision.NextAction);
    }

    [Fact]
    public void Apply_AmoStillOpenAfterTheOpen_BacksOffInSession()
    {
        var tracker = new Tracker(Ist(2026, 1, 9, 18, 0));
        tracker.Apply(OrderDetailsEvent(AmoPlaced));
        tracker.FireTimerWhenDue();

        var decision = tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 12, 9, 21)), decision.NextAction);
    }

    [Fact]
    public void Apply_LimitOpenAt1500WithLongBackoff_WakesAfterTheClose()
    {
        var tracker = new Tracker(Ist(2026, 1, 7, 14, 0));
        var open = tracker.Apply(OrderDetailsEvent(LimitPlaced)).State with { IdlePolls = 5, GatewayStatus = TransactionStatus.Processing };
        tracker.Clock.SetUtcNow(Ist(2026, 1, 7, 15, 0));

        var decision = tracker.Engine.Apply(open, DetailsEvent(TransactionStatus.Processing));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 7, 15, 40)), decision.NextAction);
    }

    [Fact]
    public void Apply_LimitOpenJustBeforeClose_WakesAfterTheCloseNotInTheDeadWindow()
    {
        var tracker = new Tracker(Ist(2026, 1, 7, 15, 29));

        var decision = tracker.Apply(OrderDetailsEvent(LimitPlaced));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 7, 15, 40)), decision.NextAction);
    }

    [Fact]
    public void Apply_LimitOpenMidSession_KeepsTheBackoff()
    {
        var tracker = new Tracker(Ist(2026, 1, 7, 15, 0));

        var decision = tracker.Apply(OrderDetailsEvent(LimitPlaced));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 7, 15, 1)), decision.NextAction);
    }

    [Fact]
    public void Apply_LimitStillOpenAfterTheCloseCheck_SleepsUntilNextSession()
    {
        var tracker = new Tracker(Ist(2026, 1, 7, 15, 29));
        tracker.Apply(OrderDetailsEvent(LimitPlaced));
        tracker.FireTimerWhenDue();

        var decision = tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 8, 9, 20)), decision.NextAction);
    }

    [Theory]
    [InlineData("SL")]
    [InlineData("SL-M")]
    public void Apply_StopLossOpenJustBeforeClose_WakesAfterTheCloseLikeALimitOrder(string orderType)
    {
        var tracker = new Tracker(Ist(2026, 1, 7, 15, 29));

        var decision = tracker.Apply(OrderDetailsEvent(Batch(BatchId, "PLACED", "regular", [Order("ITC", "PLACED", orderType: orderType)])));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 7, 15, 40)), decision.NextAction);
    }

    [Theory]
    [InlineData("SL")]
    [InlineData("SL-M")]
    public void Apply_StopLossStillOpenAfterTheCloseCheck_SleepsUntilNextSession(string orderType)
    {
        var tracker = new Tracker(Ist(2026, 1, 7, 15, 29));
        tracker.Apply(OrderDetailsEvent(Batch(BatchId, "PLACED", "regular", [Order("ITC", "PLACED", orderType: orderType)])));
        tracker.FireTimerWhenDue();

        var decision = tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 8, 9, 20)), decision.NextAction);
    }

    [Fact]
    public void Apply_MarketOrderOpenInTheEvening_BacksOffNormally()
    {
        var tracker = new Tracker(Ist(2026, 1, 9, 18, 0));

        var decision = tracker.Apply(OrderDetailsEvent(MarketPlaced));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 9, 18, 1)), decision.NextAction);
    }

    [Fact]
    public void Apply_AmoAndRegularMarketOrderOpen_BacksOffNormally()
    {
        var tracker = new Tracker(Ist(2026, 1, 9, 18, 0));
        var mixed = new[] { AmoPlaced, Batch("batch-2", "PLACED", "regular", [Order("TCS", "PLACED")]) };

        var decision = tracker.Apply(OrderDetailsEvent(mixed));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 9, 18, 1)), decision.NextAction);
    }

    [Fact]
    public void Apply_AmoPlacedWebhookFridayEvening_ReadsTheGatewayThenSleepsUntilMonday()
    {
        var tracker = new Tracker(Ist(2026, 1, 9, 18, 0));
        tracker.Apply(WebhookEvent(AmoPlaced));
        Assert.Equal(TrackerActionKind.PollTransactionDetails, tracker.FireTimerWhenDue().NextAction.Kind);

        var decision = tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        Assert.Equal(TrackerPhase.OrdersOpen, decision.State.Phase);
        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 12, 9, 20)), decision.NextAction);
    }

    [Fact]
    public void Apply_ProcessingWithNoOrderKnownAtNight_SleepsUntilNextSession()
    {
        var tracker = new Tracker(Ist(2026, 1, 7, 20, 0));

        var decision = tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 8, 9, 20)), decision.NextAction);
    }

    [Fact]
    public void Apply_FinalAmoStockAndOpenLimit_OnlyOpenStocksCount()
    {
        var tracker = new Tracker(Ist(2026, 1, 9, 18, 0));
        var batch = Batch(BatchId, "PLACED", "amo", [Order("ITC", "CANCELLED AMO"), Order("TCS", "PLACED", orderType: "LIMIT")]);

        var decision = tracker.Apply(OrderDetailsEvent(batch));

        Assert.Equal(TrackerAction.Wake(Ist(2026, 1, 12, 9, 20)), decision.NextAction);
    }
}
