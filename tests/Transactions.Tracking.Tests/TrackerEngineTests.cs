using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Microsoft.Extensions.Time.Testing;
using static Transactions.Tracking.Tests.TestData;

namespace Transactions.Tracking.Tests;

public sealed class TrackerEngineTests
{
    private static readonly OrderBatch Placed = Batch("PLACED", Order("ITC", "PLACED"));
    private static readonly OrderBatch Partial = Batch("PLACED", Order("ITC", "PARTIAL", filled: 4, averagePrice: 210m));
    private static readonly OrderBatch Completed = Batch("COMPLETED", Order("ITC", "COMPLETE", filled: 10, averagePrice: 211.02m));

    [Fact]
    public void Constructor_InvalidTimings_Throws()
    {
        var timings = TrackerTimings.Default with { BackoffMax = TimeSpan.FromSeconds(1) };

        Assert.Throws<ArgumentOutOfRangeException>(() => new TrackerEngine(TimeProvider.System, timings, MarketCalendar.Nse()));
    }

    [Fact]
    public void Start_NewTransaction_AwaitingUserAndWakesForExpiryCheck()
    {
        var clock = new FakeTimeProvider(SessionMorning);
        var engine = new TrackerEngine(clock, TrackerTimings.Default, MarketCalendar.Nse());
        var expireAt = SessionMorning.AddMinutes(15);

        var decision = engine.Start(TransactionId, expireAt);

        var state = decision.State;
        Assert.True(decision.Changed);
        Assert.Equal((TrackerPhase.AwaitingUser, 1L, SessionMorning, expireAt), (state.Phase, state.Version, state.CreatedAt, state.ExpireAt));
        Assert.Equal(TrackerAction.Wake(expireAt.AddMinutes(10)), decision.NextAction);
        Assert.Equal((expireAt.AddMinutes(10), PollTarget.TransactionDetails), (state.NextWakeAt, state.WaitingFor));
        Assert.Single(state.Timeline);
    }

    [Fact]
    public void Apply_ChangedState_BumpsVersionByOneAndAppendsTimeline()
    {
        var tracker = new Tracker(SessionMorning);
        var before = tracker.State;

        var decision = tracker.Apply(WebhookEvent(Placed));

        Assert.Equal(before.Version + 1, decision.State.Version);
        Assert.Equal(before.Timeline.Count + 1, decision.State.Timeline.Count);
        Assert.Contains("ITC BUY new->PLACED", decision.State.Timeline[^1].Event, StringComparison.Ordinal);
        Assert.Equal(SessionMorning, decision.State.Timeline[^1].At);
    }

    [Fact]
    public void Apply_DuplicateWebhookAtSameInstant_UnchangedAndNothingToDo()
    {
        var tracker = new Tracker(SessionMorning);
        var first = tracker.Apply(WebhookEvent(Placed));

        var second = tracker.Apply(WebhookEvent(Placed));

        Assert.False(second.Changed);
        Assert.Same(first.State, second.State);
        Assert.Equal(TrackerAction.None, second.NextAction);
    }

    [Fact]
    public void Apply_WebhookFirstSeen_RecordsBrokerAuthIdAndWebhookTime()
    {
        var tracker = new Tracker(SessionMorning);

        var state = tracker.Apply(WebhookEvent(Placed), TimeSpan.FromSeconds(30)).State;

        Assert.Equal(("kite", AuthId, SessionMorning.AddSeconds(30)), (state.Broker, state.SmallcaseAuthId, state.LastWebhookAt));
    }

    [Fact]
    public void Apply_WebhookWhileOrdersOpen_PostponesThePoll()
    {
        var tracker = new Tracker(SessionMorning);
        var first = tracker.Apply(WebhookEvent(Placed));

        var second = tracker.Apply(WebhookEvent(Partial), TimeSpan.FromSeconds(90));

        Assert.Equal(TrackerAction.Wake(SessionMorning.AddSeconds(90) + tracker.Timings.PollFallbackDelay), second.NextAction);
        Assert.True(second.State.NextWakeAt > first.State.NextWakeAt);
    }

    [Fact]
    public void Apply_WebhooksKeepArriving_NoPollEverBecomesDue()
    {
        var tracker = new Tracker(SessionMorning);
        var previous = tracker.Apply(WebhookEvent(Placed)).State;

        for (var filled = 1; filled <= 5; filled++)
        {
            tracker.Clock.Advance(TimeSpan.FromSeconds(100));
            var current = tracker.Apply(WebhookEvent(Batch("PLACED", Order("ITC", "PARTIAL", filled: filled)))).State;
            tracker.Clock.SetUtcNow(previous.NextWakeAt!.Value);

            Assert.Equal(TrackerIgnoreReason.StaleTimer, tracker.Apply(new TimerFired(previous.Version)).Ignored);
            Assert.Equal(TrackerAction.Wake(current.NextWakeAt!.Value), tracker.Apply(new TimerFired(current.Version)).NextAction);
            previous = current;
        }

        Assert.Equal(0, tracker.State.PollAttempts);
    }

    [Fact]
    public void Apply_TimerDue_AsksForThePollWithoutChangingState()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(WebhookEvent(Placed));
        var before = tracker.State;

        var decision = tracker.FireTimerWhenDue();

        Assert.False(decision.Changed);
        Assert.Same(before, decision.State);
        Assert.Equal(new TrackerAction(TrackerActionKind.PollTransactionDetails, before.NextWakeAt!.Value), decision.NextAction);
    }

    [Fact]
    public void Apply_TimerBeforeItsTime_AsksToWakeAgainAtTheSameTime()
    {
        var tracker = new Tracker(SessionMorning);
        var state = tracker.Apply(WebhookEvent(Placed)).State;

        var decision = tracker.Apply(new TimerFired(state.Version), TimeSpan.FromSeconds(10));

        Assert.False(decision.Changed);
        Assert.Equal(TrackerAction.Wake(state.NextWakeAt!.Value), decision.NextAction);
    }

    [Fact]
    public void Apply_TimerForOlderVersion_IgnoredAsStale()
    {
        var tracker = new Tracker(SessionMorning);
        var oldVersion = tracker.State.Version;
        tracker.Apply(WebhookEvent(Placed));

        var decision = tracker.Apply(new TimerFired(oldVersion), TimeSpan.FromHours(1));

        Assert.Equal(TrackerIgnoreReason.StaleTimer, decision.Ignored);
        Assert.Equal(TrackerAction.None, decision.NextAction);
    }

    [Fact]
    public void Apply_WebhookAllFinal_ConfirmsThroughOrderDetailsBeforeCompleting()
    {
        var tracker = new Tracker(SessionMorning);

        var signal = tracker.Apply(WebhookEvent(Completed));
        Assert.Equal(TrackerPhase.Confirming, signal.State.Phase);
        Assert.Null(signal.Outcome);
        Assert.Equal(TrackerAction.Wake(SessionMorning + tracker.Timings.ConfirmDelay), signal.NextAction);
        Assert.Equal(PollTarget.OrderDetails, signal.State.WaitingFor);

        var timer = tracker.FireTimerWhenDue();
        Assert.Equal(TrackerActionKind.PollOrderDetails, timer.NextAction.Kind);

        var confirmed = tracker.Apply(OrderDetailsEvent(Completed));
        Assert.Equal(TrackerPhase.Completed, confirmed.State.Phase);
        Assert.Equal(TrackerOutcomeKind.Completed, confirmed.Outcome?.Kind);
        Assert.Equal(TrackerAction.None, confirmed.NextAction);
        Assert.Equal((null, null), (confirmed.State.NextWakeAt, confirmed.State.WaitingFor));
        Assert.Equal(1, confirmed.State.PollAttempts);
    }

    [Fact]
    public void Apply_CompletedWebhookAgainWhileConfirming_DoesNotPostponeTheConfirmation()
    {
        var tracker = new Tracker(SessionMorning);
        var confirmAt = tracker.Apply(WebhookEvent(Completed)).State.NextWakeAt;

        var duplicate = tracker.Apply(WebhookEvent(Completed), TimeSpan.FromSeconds(10));

        Assert.Equal(confirmAt, duplicate.State.NextWakeAt);
        Assert.Equal(PollTarget.OrderDetails, duplicate.State.WaitingFor);
    }

    [Fact]
    public void Apply_ConfirmationEmpty_ReadsTransactionDetailsUntilCompletedThenOrderDetails()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(WebhookEvent(Completed));
        tracker.FireTimerWhenDue();

        var empty = tracker.Apply(OrderDetailsEvent());
        Assert.Equal((TrackerPhase.Confirming, PollTarget.TransactionDetails), (empty.State.Phase, empty.State.WaitingFor));
        Assert.Equal(tracker.Clock.GetUtcNow() + tracker.Timings.BackoffInitial, empty.State.NextWakeAt);

        tracker.FireTimerWhenDue();
        var gatewayDone = tracker.Apply(DetailsEvent(TransactionStatus.Completed));
        Assert.Equal((TrackerPhase.Confirming, PollTarget.OrderDetails), (gatewayDone.State.Phase, gatewayDone.State.WaitingFor));
        Assert.Equal(tracker.Clock.GetUtcNow() + tracker.Timings.ConfirmDelay, gatewayDone.State.NextWakeAt);

        tracker.FireTimerWhenDue();
        Assert.Equal(TrackerPhase.Completed, tracker.Apply(OrderDetailsEvent(Completed)).State.Phase);
    }

    [Fact]
    public void Apply_TransactionCompletedButOrderDetailsStillOpen_DoesNotComplete()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Completed));

        var decision = tracker.Apply(OrderDetailsEvent(Placed), TimeSpan.FromSeconds(20));

        Assert.Equal(TrackerPhase.Confirming, decision.State.Phase);
        Assert.Null(decision.Outcome);
        Assert.Equal(PollTarget.OrderDetails, decision.State.WaitingFor);
    }

    [Fact]
    public void Apply_OrderDetailsOfAnotherTransactionOnly_DoesNotComplete()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(WebhookEvent(Completed));

        var decision = tracker.Apply(OrderDetailsEvent(Completed with { TransactionId = OtherTransactionId }), TimeSpan.FromSeconds(20));

        Assert.Equal(TrackerPhase.Confirming, decision.State.Phase);
    }

    [Fact]
    public void Apply_OrderDetailsWithBatchButNoStock_DoesNotComplete()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(WebhookEvent(Completed));

        var decision = tracker.Apply(OrderDetailsEvent(Batch("COMPLETED")), TimeSpan.FromSeconds(20));

        Assert.Equal(TrackerPhase.Confirming, decision.State.Phase);
        Assert.Null(decision.Outcome);
    }

    [Fact]
    public void Apply_TransactionErrored_FailsWithTheGatewayError()
    {
        var tracker = new Tracker(SessionMorning);
        var error = new TransactionError("user_cancelled", "User cancelled the transaction");

        var decision = tracker.Apply(DetailsEvent(TransactionStatus.Errored, error), TimeSpan.FromMinutes(3));

        Assert.Equal(TrackerPhase.Failed, decision.State.Phase);
        Assert.Equal(error, decision.State.GatewayError);
        Assert.Equal(TrackerOutcomeKind.Failed, decision.Outcome?.Kind);
        Assert.Equal(error, decision.Outcome?.GatewayError);
        Assert.Equal(TransactionStatus.Errored, decision.Outcome?.GatewayStatus);
        Assert.Contains("user_cancelled", decision.State.Timeline[^1].Event, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_UsedBeforeGraceEnds_StaysAwaitingAndWakesWhenGraceEnds()
    {
        var tracker = new Tracker(SessionMorning);
        var graceEnds = tracker.State.ExpireAt + tracker.Timings.ExpiryGrace;

        var decision = tracker.Apply(DetailsEvent(TransactionStatus.Used), TimeSpan.FromMinutes(20));

        Assert.Equal(TrackerPhase.AwaitingUser, decision.State.Phase);
        Assert.Equal(TrackerAction.Wake(graceEnds), decision.NextAction);
    }

    [Fact]
    public void Apply_UsedOnceGraceHasPassed_ExpiresWithOutcome()
    {
        var tracker = new Tracker(SessionMorning);

        tracker.FireTimerWhenDue();
        var decision = tracker.Apply(DetailsEvent(TransactionStatus.Used));

        Assert.Equal(TrackerPhase.Expired, decision.State.Phase);
        Assert.Equal(TrackerOutcomeKind.Expired, decision.Outcome?.Kind);
        Assert.Equal(tracker.Clock.GetUtcNow(), decision.State.FinishedAt);
    }

    [Fact]
    public void Apply_ProcessingThenStaleUsedAfterExpiry_NeitherRegressesNorExpires()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        var decision = tracker.Apply(DetailsEvent(TransactionStatus.Used), TimeSpan.FromHours(1));

        Assert.Equal((TrackerPhase.OrdersOpen, TransactionStatus.Processing), (decision.State.Phase, decision.State.GatewayStatus));
    }

    [Fact]
    public void Apply_FinalTriggerAppliedTwice_OutcomeEmittedOnce()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(WebhookEvent(Completed));
        var confirming = tracker.State;

        var first = tracker.Engine.Apply(confirming, OrderDetailsEvent(Completed));
        var again = tracker.Engine.Apply(first.State, OrderDetailsEvent(Completed));

        Assert.NotNull(first.Outcome);
        Assert.True(first.Changed);
        Assert.Null(again.Outcome);
        Assert.False(again.Changed);
        Assert.Equal(TrackerIgnoreReason.TerminalPhase, again.Ignored);
    }

    [Fact]
    public void Apply_LateWebhookAfterCompletion_IgnoredWithoutRegression()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(OrderDetailsEvent(Completed));
        var completed = tracker.State;

        var decision = tracker.Apply(WebhookEvent(Placed), TimeSpan.FromMinutes(1));

        Assert.Same(completed, decision.State);
        Assert.Equal(StockOrderStatus.Complete, decision.State.Orders.Single().Status);
    }

    [Fact]
    public void Apply_OrderUpdate_ReportsStockChanges()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(WebhookEvent(Placed));

        var decision = tracker.Apply(WebhookEvent(Partial), TimeSpan.FromMinutes(1));

        var change = Assert.Single(decision.StockChanges);
        Assert.Equal(("ITC", StockOrderStatus.Placed, StockOrderStatus.Partial, 4), (change.Ticker, change.OldStatus, change.NewStatus, change.FilledQuantity));
    }

    [Fact]
    public void Apply_ContradictingFinal_ReportsConflictAndKeepsData()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(WebhookEvent(Completed));

        var decision = tracker.Apply(OrderDetailsEvent(Batch("COMPLETED", Order("ITC", "REJECTED"))), TimeSpan.FromSeconds(20));

        Assert.Single(decision.Conflicts);
        Assert.Equal(StockOrderStatus.Complete, decision.State.Orders.Single().Status);
    }

    [Fact]
    public void Apply_WebhookForAnotherSmallcaseAuthId_Ignored()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(WebhookEvent(Placed));
        var before = tracker.State;

        var decision = tracker.Apply(new WebhookReceived(Webhook(Completed) with { SmallcaseAuthId = "someone-else" }));

        Assert.Equal(TrackerIgnoreReason.SmallcaseAuthIdMismatch, decision.Ignored);
        Assert.Same(before, decision.State);
    }

    [Fact]
    public void Apply_SdkResultForAnotherSmallcaseAuthId_Ignored()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(WebhookEvent(Placed));

        var decision = tracker.Apply(new SdkResultReceived(Webhook(Completed), "someone-else"));

        Assert.Equal(TrackerIgnoreReason.SmallcaseAuthIdMismatch, decision.Ignored);
    }

    [Fact]
    public void Apply_TransactionDetailsAuthId_OverridesSignals()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(new SdkResultReceived(Webhook(Placed), "from-sdk"));

        var state = tracker.Apply(DetailsEvent(TransactionStatus.Processing), TimeSpan.FromMinutes(1)).State;

        Assert.Equal(AuthId, state.SmallcaseAuthId);
    }

    [Fact]
    public void Apply_EventNamingAnotherTransaction_Throws()
    {
        var tracker = new Tracker(SessionMorning);

        Assert.Throws<ArgumentException>(() => tracker.Apply(new WebhookReceived(Webhook(Placed) with { TransactionId = OtherTransactionId })));
    }

    [Fact]
    public void Apply_SdkError_ChecksTransactionDetailsSoonWithoutFailing()
    {
        var tracker = new Tracker(SessionMorning);

        var decision = tracker.Apply(new SdkResultReceived(null, null, new TransactionError("user_cancelled", null)));

        Assert.Equal(TrackerPhase.AwaitingUser, decision.State.Phase);
        Assert.Equal(TrackerAction.Wake(SessionMorning + tracker.Timings.ConfirmDelay), decision.NextAction);
        Assert.Equal(PollTarget.TransactionDetails, decision.State.WaitingFor);
        Assert.Contains("user_cancelled", decision.State.Timeline[^1].Event, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_PollFailures_RetryWithExponentialBackoffThenResetOnSuccess()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(WebhookEvent(Placed));
        var delays = new List<TimeSpan>();

        for (var i = 0; i < 4; i++)
        {
            var failed = tracker.Apply(new PollFailed(PollTarget.TransactionDetails, "HTTP 503"));
            delays.Add(failed.State.NextWakeAt!.Value - tracker.Clock.GetUtcNow());
            tracker.FireTimerWhenDue();
        }

        var recovered = tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        Assert.Equal([15, 30, 60, 120], delays.Select(delay => delay.TotalSeconds));
        Assert.Equal((0, 5), (recovered.State.ConsecutivePollFailures, recovered.State.PollAttempts));
    }

    [Fact]
    public void Apply_IdlePollsWhileMarketOrderOpen_BackOffExponentiallyToTheCap()
    {
        var tracker = new Tracker(SessionMorning.AddHours(-2));
        tracker.Apply(WebhookEvent(Placed));
        var delays = new List<double>();

        for (var i = 0; i < 7; i++)
        {
            tracker.FireTimerWhenDue();
            var polled = tracker.Apply(DetailsEvent(TransactionStatus.Processing));
            delays.Add((polled.State.NextWakeAt!.Value - tracker.Clock.GetUtcNow()).TotalMinutes);
        }

        // The first poll brings news (PROCESSING); every later one is idle.
        Assert.Equal([1, 1, 2, 4, 8, 16, 30], delays);
    }

    [Fact]
    public void Apply_SameEventToSameState_SameVersionChangesAndOutcome()
    {
        var tracker = new Tracker(SessionMorning);
        var open = tracker.Apply(WebhookEvent(Placed)).State;

        var first = tracker.Engine.Apply(open, OrderDetailsEvent(Completed));
        var again = tracker.Engine.Apply(open, OrderDetailsEvent(Completed));

        // A 412 makes the host apply the event again to the state it reloads: the events it records are named by the
        // new version, so the retry records the same ids.
        Assert.Equal(open.Version + 1, first.State.Version);
        Assert.Equal(first.State.Version, again.State.Version);
        Assert.Equal(first.StockChanges, again.StockChanges);
        Assert.NotEmpty(first.StockChanges);
        Assert.Equal(first.Outcome?.Kind, again.Outcome?.Kind);
    }

    [Fact]
    public void Apply_AllFinalWithoutConfirmDelay_WakeDueNowAndItsTimerAsksForOrderDetails()
    {
        var tracker = new Tracker(SessionMorning, timings: TrackerTimings.Default with { ConfirmDelay = TimeSpan.Zero });

        var confirming = tracker.Apply(WebhookEvent(Completed));
        var fired = tracker.Engine.Apply(confirming.State, new TimerFired(confirming.State.Version));

        // The host runs a wake-up that is due when decided inline, on the state it has just saved.
        Assert.Equal(TrackerAction.Wake(tracker.Clock.GetUtcNow()), confirming.NextAction);
        Assert.False(fired.Changed);
        Assert.Equal(TrackerActionKind.PollOrderDetails, fired.NextAction.Kind);
    }

    [Fact]
    public void OutcomeFrom_NonTerminalState_IsNull()
    {
        var tracker = new Tracker(SessionMorning);

        Assert.Null(TrackerOutcome.From(tracker.Apply(WebhookEvent(Completed)).State));
    }

    [Fact]
    public void OutcomeFrom_TerminalState_CarriesOrdersForRepublishing()
    {
        var tracker = new Tracker(SessionMorning);
        var decision = tracker.Apply(OrderDetailsEvent(Completed));

        var outcome = TrackerOutcome.From(decision.State);

        Assert.Equal(decision.Outcome, outcome);
        Assert.Equal((TransactionId, TrackerOutcomeKind.Completed, 211.02m), (outcome!.TransactionId, outcome.Kind, outcome.Orders.Single().AveragePrice));
    }

    [Fact]
    public void Apply_ManyChanges_TimelineKeepsTheLatestEntriesOnly()
    {
        var tracker = new Tracker(SessionMorning.AddHours(-2));

        for (var i = 0; i < TrackedTransaction.TimelineCapacity + 20; i++)
        {
            tracker.Apply(new PollFailed(PollTarget.TransactionDetails, $"failure {i}"), TimeSpan.FromSeconds(1));
        }

        Assert.Equal(TrackedTransaction.TimelineCapacity, tracker.State.Timeline.Count);
        Assert.Contains($"failure {TrackedTransaction.TimelineCapacity + 19}", tracker.State.Timeline[^1].Event, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_LongPollFailureReason_ShortenedInTimeline()
    {
        var tracker = new Tracker(SessionMorning);

        var state = tracker.Apply(new PollFailed(PollTarget.TransactionDetails, new string('x', 5000))).State;

        Assert.True(state.Timeline[^1].Event.Length < 200);
    }
}
