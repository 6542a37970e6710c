using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using static Transactions.Tracking.Tests.TestData;

namespace Transactions.Tracking.Tests;

/// <summary>Every row of the transition table, exercised through the engine.</summary>
public sealed class TransitionTableTests
{
    private static readonly OrderBatch Placed = Batch("PLACED", Order("ITC", "PLACED"));
    private static readonly OrderBatch Completed = Batch("COMPLETED", Order("ITC", "COMPLETE", filled: 10, averagePrice: 211.02m));
    private static readonly OrderBatch CompletedTwo = Batch(
        "COMPLETED", Order("ITC", "COMPLETE", filled: 10), Order("TCS", "COMPLETE", filled: 10, side: "SELL"));
    private static readonly OrderBatch ItcCompletedTcsPlaced = Batch(
        "PLACED", Order("ITC", "COMPLETE", filled: 10), Order("TCS", "PLACED", side: "SELL"));

    public static TheoryData<TrackerPhase, TrackerTrigger> TerminalPairs()
    {
        var data = new TheoryData<TrackerPhase, TrackerTrigger>();
        foreach (var phase in new[] { TrackerPhase.Completed, TrackerPhase.Failed, TrackerPhase.Expired })
        {
            foreach (var trigger in Enum.GetValues<TrackerTrigger>())
            {
                data.Add(phase, trigger);
            }
        }

        return data;
    }

    [Fact]
    public void Rows_EveryPhaseAndTrigger_HasExactlyOneRow()
    {
        var pairs = Enum.GetValues<TrackerPhase>().SelectMany(phase => Enum.GetValues<TrackerTrigger>().Select(trigger => (phase, trigger)));

        Assert.All(pairs, pair => Assert.Equal(pair, (TransitionTable.Find(pair.phase, pair.trigger).Phase, TransitionTable.Find(pair.phase, pair.trigger).Trigger)));
        Assert.Equal(36, TransitionTable.Rows.Count);
    }

    [Fact]
    public void Rows_TerminalPhases_AreIgnoredByRule()
    {
        var terminal = TransitionTable.Rows.Values.Where(row => row.Phase.IsTerminal()).ToList();

        Assert.Equal(18, terminal.Count);
        Assert.All(terminal, row => Assert.True(row.IsIgnored));
        Assert.All(TransitionTable.Rows.Values.Where(row => !row.Phase.IsTerminal()), row => Assert.False(row.IsIgnored));
    }

    [Theory]
    [InlineData(TrackerTrigger.WebhookReceived)]
    [InlineData(TrackerTrigger.SdkResultReceived)]
    [InlineData(TrackerTrigger.TimerFired)]
    [InlineData(TrackerTrigger.PollFailed)]
    public void Rows_TriggersOtherThanPolls_NeverLeadToATerminalPhase(TrackerTrigger trigger)
    {
        var rows = TransitionTable.Rows.Values.Where(row => row.Trigger == trigger && !row.Phase.IsTerminal());

        Assert.All(rows, row => Assert.DoesNotContain(row.Targets, phase => phase.IsTerminal()));
    }

    [Theory]
    [InlineData(TrackerTrigger.WebhookReceived)]
    [InlineData(TrackerTrigger.SdkResultReceived)]
    public void Rows_Signals_NeverChangeThePhase(TrackerTrigger trigger)
    {
        var rows = TransitionTable.Rows.Values.Where(row => row.Trigger == trigger);

        Assert.All(rows, row => Assert.Equal([row.Phase], row.Targets));
    }

    [Fact]
    public void Rows_OnlyOrderDetails_LeadToCompleted()
    {
        var completing = TransitionTable.Rows.Values.Where(row => !row.Phase.IsTerminal() && row.Targets.Contains(TrackerPhase.Completed));

        Assert.All(completing, row => Assert.Equal(TrackerTrigger.OrderDetailsPolled, row.Trigger));
        Assert.Equal(3, completing.Count());
    }

    [Fact]
    public void EnsureAllowed_TargetNotInRow_ThrowsIllegalTransition()
    {
        var row = TransitionTable.Find(TrackerPhase.OrdersOpen, TrackerTrigger.WebhookReceived);

        var exception = Assert.Throws<IllegalTransitionException>(() => TransitionTable.EnsureAllowed(row, TrackerPhase.Completed));

        Assert.Equal(TrackerPhase.OrdersOpen, exception.From);
        Assert.Equal(TrackerTrigger.WebhookReceived, exception.Trigger);
        Assert.Equal(TrackerPhase.Completed, exception.To);
    }

    [Fact]
    public void EnsureAllowed_BackToAwaitingUser_ThrowsIllegalTransition()
    {
        var row = TransitionTable.Find(TrackerPhase.Confirming, TrackerTrigger.TransactionDetailsPolled);

        Assert.Throws<IllegalTransitionException>(() => TransitionTable.EnsureAllowed(row, TrackerPhase.AwaitingUser));
    }

    [Theory]
    [MemberData(nameof(TerminalPairs))]
    public void Apply_TerminalPhaseAnyTrigger_IgnoredWithoutChange(TrackerPhase phase, TrackerTrigger trigger)
    {
        var tracker = new Tracker(SessionMorning);
        var terminal = tracker.State with { Phase = phase, NextWakeAt = null, WaitingFor = null, FinishedAt = SessionMorning };
        TrackerEvent trackerEvent = trigger switch
        {
            TrackerTrigger.WebhookReceived => WebhookEvent(Placed),
            TrackerTrigger.SdkResultReceived => new SdkResultReceived(Webhook(Placed)),
            TrackerTrigger.TransactionDetailsPolled => DetailsEvent(TransactionStatus.Processing),
            TrackerTrigger.OrderDetailsPolled => OrderDetailsEvent(Placed),
            TrackerTrigger.TimerFired => new TimerFired(terminal.Version),
            _ => new PollFailed(PollTarget.TransactionDetails, "HTTP 503"),
        };

        var decision = tracker.Engine.Apply(terminal, trackerEvent);

        Assert.Same(terminal, decision.State);
        Assert.False(decision.Changed);
        Assert.Equal(TrackerIgnoreReason.TerminalPhase, decision.Ignored);
        Assert.Equal(TrackerActionKind.None, decision.NextAction.Kind);
        Assert.Null(decision.Outcome);
        Assert.Empty(decision.StockChanges);
    }

    // AwaitingUser

    [Fact]
    public void Apply_AwaitingUserWebhookPlaced_StaysAwaitingUserAndReadsTheGateway()
    {
        var tracker = new Tracker(SessionMorning);

        var decision = tracker.Apply(WebhookEvent(Placed));

        Assert.Equal((TrackerPhase.AwaitingUser, PollTarget.TransactionDetails), (decision.State.Phase, decision.State.WaitingFor));
        Assert.True(decision.Changed);
    }

    [Fact]
    public void Apply_AwaitingUserSdkResultAllFinal_StaysAwaitingUser()
    {
        var tracker = new Tracker(SessionMorning);

        var decision = tracker.Apply(new SdkResultReceived(Webhook(Completed), AuthId));

        Assert.Equal(TrackerPhase.AwaitingUser, decision.State.Phase);
        Assert.Null(decision.Outcome);
    }

    [Theory]
    [InlineData("ERRORED", 0, TrackerPhase.Failed)]
    [InlineData("PROCESSING", 0, TrackerPhase.OrdersOpen)]
    [InlineData("COMPLETED", 0, TrackerPhase.Confirming)]
    [InlineData("USED", 0, TrackerPhase.AwaitingUser)]
    [InlineData("USED", 25, TrackerPhase.Expired)]
    [InlineData("INITIALIZED", 25, TrackerPhase.Expired)]
    [InlineData("SOMETHING_NEW", 25, TrackerPhase.OrdersOpen)]
    public void Apply_AwaitingUserTransactionDetails_MovesByStatus(string status, int minutesLater, TrackerPhase expected)
    {
        var tracker = new Tracker(SessionMorning);

        var decision = tracker.Apply(DetailsEvent(TransactionStatus.From(status)), TimeSpan.FromMinutes(minutesLater));

        Assert.Equal(expected, decision.State.Phase);
    }

    [Fact]
    public void Apply_AwaitingUserOrderDetailsAllFinal_Completes()
    {
        var tracker = new Tracker(SessionMorning);

        var decision = tracker.Apply(OrderDetailsEvent(Completed));

        Assert.Equal(TrackerPhase.Completed, decision.State.Phase);
        Assert.NotNull(decision.Outcome);
    }

    [Fact]
    public void Apply_AwaitingUserOrderDetailsEmpty_StaysAwaitingUser()
    {
        var tracker = new Tracker(SessionMorning);

        var decision = tracker.Apply(OrderDetailsEvent());

        Assert.Equal(TrackerPhase.AwaitingUser, decision.State.Phase);
        Assert.Equal(1, decision.State.IdlePolls);
    }

    [Fact]
    public void Apply_AwaitingUserTimerFired_KeepsPhaseAndState()
    {
        var tracker = new Tracker(SessionMorning);
        var before = tracker.State;

        var decision = tracker.FireTimerWhenDue();

        Assert.Same(before, decision.State);
        Assert.Equal(TrackerActionKind.PollTransactionDetails, decision.NextAction.Kind);
    }

    [Fact]
    public void Apply_AwaitingUserPollFailed_StaysAwaitingUser()
    {
        var tracker = new Tracker(SessionMorning);

        var decision = tracker.Apply(new PollFailed(PollTarget.TransactionDetails, "timeout"));

        Assert.Equal(TrackerPhase.AwaitingUser, decision.State.Phase);
        Assert.Equal(1, decision.State.ConsecutivePollFailures);
    }

    // OrdersOpen

    [Fact]
    public void Apply_OrdersOpenWebhookAllFinal_StaysOrdersOpen()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        var decision = tracker.Apply(WebhookEvent(Completed), TimeSpan.FromMinutes(1));

        Assert.Equal(TrackerPhase.OrdersOpen, decision.State.Phase);
        Assert.Null(decision.Outcome);
    }

    [Fact]
    public void Apply_OrdersOpenSdkResultStillOpen_StaysOrdersOpen()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        var decision = tracker.Apply(new SdkResultReceived(Webhook(Placed), AuthId), TimeSpan.FromSeconds(5));

        Assert.Equal(TrackerPhase.OrdersOpen, decision.State.Phase);
    }

    [Theory]
    [InlineData("ERRORED", TrackerPhase.Failed)]
    [InlineData("COMPLETED", TrackerPhase.Confirming)]
    [InlineData("PROCESSING", TrackerPhase.OrdersOpen)]
    public void Apply_OrdersOpenTransactionDetails_MovesByStatus(string status, TrackerPhase expected)
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        var decision = tracker.Apply(DetailsEvent(TransactionStatus.From(status)), TimeSpan.FromMinutes(3));

        Assert.Equal(expected, decision.State.Phase);
    }

    [Fact]
    public void Apply_OrdersOpenOrderDetailsAllFinal_CompletesWithoutWebhook()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        var decision = tracker.Apply(OrderDetailsEvent(Completed), TimeSpan.FromMinutes(3));

        Assert.Equal(TrackerPhase.Completed, decision.State.Phase);
        Assert.Equal(TrackerOutcomeKind.Completed, decision.Outcome?.Kind);
    }

    [Fact]
    public void Apply_OrdersOpenTimerFired_KeepsState()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Processing));
        var before = tracker.State;

        var decision = tracker.FireTimerWhenDue();

        Assert.Same(before, decision.State);
        Assert.Equal(TrackerPhase.OrdersOpen, decision.State.Phase);
    }

    [Fact]
    public void Apply_OrdersOpenPollFailed_StaysOrdersOpen()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        var decision = tracker.Apply(new PollFailed(PollTarget.TransactionDetails, "HTTP 502"), TimeSpan.FromMinutes(2));

        Assert.Equal(TrackerPhase.OrdersOpen, decision.State.Phase);
    }

    // Confirming

    [Fact]
    public void Apply_ConfirmingWebhookWithOpenStock_StaysConfirming()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Completed));

        var decision = tracker.Apply(WebhookEvent(ItcCompletedTcsPlaced), TimeSpan.FromSeconds(5));

        Assert.Equal(TrackerPhase.Confirming, decision.State.Phase);
    }

    [Fact]
    public void Apply_ConfirmingSdkResult_StaysConfirming()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Completed));

        var decision = tracker.Apply(new SdkResultReceived(Webhook(Completed), AuthId), TimeSpan.FromSeconds(2));

        Assert.Equal(TrackerPhase.Confirming, decision.State.Phase);
    }

    [Theory]
    [InlineData("ERRORED", TrackerPhase.Confirming)]
    [InlineData("PROCESSING", TrackerPhase.Confirming)]
    [InlineData("COMPLETED", TrackerPhase.Confirming)]
    public void Apply_ConfirmingTransactionDetailsAfterCompleted_StaysConfirming(string status, TrackerPhase expected)
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Completed));

        var decision = tracker.Apply(DetailsEvent(TransactionStatus.From(status)), TimeSpan.FromSeconds(20));

        Assert.Equal(expected, decision.State.Phase);
    }

    [Fact]
    public void Apply_ConfirmingOrderDetailsAllFinal_Completes()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Completed));

        var decision = tracker.Apply(OrderDetailsEvent(CompletedTwo), TimeSpan.FromSeconds(20));

        Assert.Equal(TrackerPhase.Completed, decision.State.Phase);
    }

    [Fact]
    public void Apply_ConfirmingOrderDetailsWithOpenStock_StaysConfirming()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Completed));

        var decision = tracker.Apply(OrderDetailsEvent(ItcCompletedTcsPlaced), TimeSpan.FromSeconds(20));

        Assert.Equal(TrackerPhase.Confirming, decision.State.Phase);
        Assert.Null(decision.Outcome);
    }

    [Fact]
    public void Apply_ConfirmingTimerFired_KeepsState()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Completed));
        var before = tracker.State;

        var decision = tracker.FireTimerWhenDue();

        Assert.Same(before, decision.State);
        Assert.Equal(TrackerActionKind.PollOrderDetails, decision.NextAction.Kind);
    }

    [Fact]
    public void Apply_ConfirmingPollFailed_StaysConfirming()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Completed));

        var decision = tracker.Apply(new PollFailed(PollTarget.OrderDetails, "HTTP 500"), TimeSpan.FromSeconds(20));

        Assert.Equal(TrackerPhase.Confirming, decision.State.Phase);
        Assert.Equal(PollTarget.OrderDetails, decision.State.WaitingFor);
    }
}
