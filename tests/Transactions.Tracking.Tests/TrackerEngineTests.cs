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
        Assert.Equal("created, expires at Wed 7 Jan 11:15:00 IST", Assert.Single(state.Timeline).Event);
    }

    [Fact]
    public void Apply_ChangedState_BumpsVersionByOneAndAppendsTimeline()
    {
        var tracker = new Tracker(SessionMorning);
        var before = tracker.State;

        var decision = tracker.Apply(OrderDetailsEvent(Placed));

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
    public void Apply_Webhook_AppliesNothingOfItsBodyAndReadsTheGatewaySoon()
    {
        var tracker = new Tracker(SessionMorning);

        var decision = tracker.Apply(WebhookEvent(Completed), TimeSpan.FromSeconds(30));

        var state = decision.State;
        var readAt = SessionMorning.AddSeconds(30) + tracker.Timings.SignalReadDelay;
        Assert.Equal((TrackerPhase.AwaitingUser, (string?)null, (string?)null, 0), (state.Phase, state.Broker, state.SmallcaseAuthId, state.Orders.Stocks.Count));
        Assert.Empty(decision.StockChanges);
        Assert.Null(decision.Outcome);
        Assert.Equal(SessionMorning.AddSeconds(30), state.LastWebhookAt);
        Assert.Equal((readAt, PollTarget.TransactionDetails), (state.NextWakeAt, state.WaitingFor));
        Assert.Equal(TrackerAction.Wake(readAt), decision.NextAction);
    }

    [Fact]
    public void Apply_WebhookWhileOrdersOpen_BringsTheReadForward()
    {
        var tracker = new Tracker(SessionMorning);
        var open = tracker.Apply(DetailsEvent(TransactionStatus.Processing)).State;

        var signal = tracker.Apply(WebhookEvent(Partial), TimeSpan.FromSeconds(10));

        Assert.Equal(TrackerAction.Wake(SessionMorning.AddSeconds(10) + tracker.Timings.SignalReadDelay), signal.NextAction);
        Assert.True(signal.State.NextWakeAt < open.NextWakeAt);
        Assert.Equal(TrackerPhase.OrdersOpen, signal.State.Phase);
    }

    [Fact]
    public void Apply_BurstOfWebhooks_OneReadThatLaterWebhooksNeverPostpone()
    {
        var tracker = new Tracker(SessionMorning);
        var readAt = tracker.Apply(WebhookEvent(Placed)).State.NextWakeAt;

        var later = tracker.Apply(WebhookEvent(Completed), tracker.Timings.SignalReadDelay / 2);
        var fired = tracker.FireTimerWhenDue();

        Assert.Equal(readAt, later.State.NextWakeAt);
        Assert.Equal(new TrackerAction(TrackerActionKind.PollTransactionDetails, readAt!.Value), fired.NextAction);
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

        var decision = tracker.Apply(new TimerFired(state.Version), tracker.Timings.SignalReadDelay / 2);

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
    public void Apply_WebhookSayingAllFinal_CompletesOnlyOnTheGatewaysOwnAnswers()
    {
        var tracker = new Tracker(SessionMorning);

        var signal = tracker.Apply(WebhookEvent(Completed));
        Assert.Equal((TrackerPhase.AwaitingUser, PollTarget.TransactionDetails), (signal.State.Phase, signal.State.WaitingFor));
        Assert.Equal(TrackerActionKind.PollTransactionDetails, tracker.FireTimerWhenDue().NextAction.Kind);

        var gatewayDone = tracker.Apply(DetailsEvent(TransactionStatus.Completed));
        Assert.Equal((TrackerPhase.Confirming, PollTarget.OrderDetails), (gatewayDone.State.Phase, gatewayDone.State.WaitingFor));
        Assert.Equal((AuthId, "kite"), (gatewayDone.State.SmallcaseAuthId, gatewayDone.State.Broker));
        Assert.Equal(TrackerAction.Wake(tracker.Clock.GetUtcNow() + tracker.Timings.ConfirmDelay), gatewayDone.NextAction);
        Assert.Equal(TrackerActionKind.PollOrderDetails, tracker.FireTimerWhenDue().NextAction.Kind);

        var confirmed = tracker.Apply(OrderDetailsEvent(Completed));
        Assert.Equal(TrackerPhase.Completed, confirmed.State.Phase);
        Assert.Equal(TrackerOutcomeKind.Completed, confirmed.Outcome?.Kind);
        Assert.Equal(TrackerAction.None, confirmed.NextAction);
        Assert.Equal((null, null), (confirmed.State.NextWakeAt, confirmed.State.WaitingFor));
        Assert.Equal(2, confirmed.State.PollAttempts);
    }

    [Fact]
    public void Apply_WebhookWhileConfirming_DoesNotPostponeNorAdvanceTheConfirmation()
    {
        var tracker = new Tracker(SessionMorning);
        var confirmAt = tracker.Apply(DetailsEvent(TransactionStatus.Completed)).State.NextWakeAt;

        var signal = tracker.Apply(WebhookEvent(Completed), TimeSpan.FromSeconds(10));

        Assert.Equal(confirmAt, signal.State.NextWakeAt);
        Assert.Equal(PollTarget.OrderDetails, signal.State.WaitingFor);
    }

    [Fact]
    public void Apply_ConfirmationEmpty_ReadsOrderDetailsAgainAfterBackoff()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Completed));
        tracker.FireTimerWhenDue();

        var empty = tracker.Apply(OrderDetailsEvent());
        Assert.Equal((TrackerPhase.Confirming, PollTarget.OrderDetails), (empty.State.Phase, empty.State.WaitingFor));
        Assert.Equal(tracker.Clock.GetUtcNow() + tracker.Timings.BackoffInitial, empty.State.NextWakeAt);

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
        tracker.Apply(DetailsEvent(TransactionStatus.Completed));

        var decision = tracker.Apply(OrderDetailsEvent(Completed with { TransactionId = OtherTransactionId }), TimeSpan.FromSeconds(20));

        Assert.Equal(TrackerPhase.Confirming, decision.State.Phase);
    }

    [Fact]
    public void Apply_OrderDetailsWithBatchButNoStock_DoesNotComplete()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Completed));

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

    [Theory]
    [InlineData("transaction_expired", "The transaction expired before the user finished (1005).")]
    [InlineData("1005", "transaction_expired")]
    public void Apply_TransactionErroredAsExpired_EndsExpiredWithTheGatewayError(string code, string message)
    {
        var tracker = new Tracker(SessionMorning);
        var error = new TransactionError(code, message);

        var decision = tracker.Apply(DetailsEvent(TransactionStatus.Errored, error), TimeSpan.FromMinutes(16));

        Assert.Equal(TrackerPhase.Expired, decision.State.Phase);
        Assert.Equal(TrackerOutcomeKind.Expired, decision.Outcome?.Kind);
        Assert.Equal(error, decision.Outcome?.GatewayError);
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
        tracker.Apply(DetailsEvent(TransactionStatus.Completed));
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
        tracker.Apply(OrderDetailsEvent(Placed));

        var decision = tracker.Apply(OrderDetailsEvent(Partial), TimeSpan.FromMinutes(1));

        var change = Assert.Single(decision.StockChanges);
        Assert.Equal(("ITC", StockOrderStatus.Placed, StockOrderStatus.Partial, 4), (change.Ticker, change.OldStatus, change.NewStatus, change.FilledQuantity));
    }

    [Fact]
    public void Apply_ContradictingFinal_ReportsConflictAndKeepsData()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Completed));
        tracker.Apply(OrderDetailsEvent(Batch("COMPLETED", Order("ITC", "COMPLETE", filled: 10), Order("TCS", "PLACED"))), TimeSpan.FromSeconds(20));

        var decision = tracker.Apply(OrderDetailsEvent(Batch("COMPLETED", Order("ITC", "REJECTED"), Order("TCS", "PLACED"))), TimeSpan.FromSeconds(20));

        Assert.Single(decision.Conflicts);
        Assert.Equal(StockOrderStatus.Complete, decision.State.Orders.Stocks.Single(stock => stock.Ticker == "ITC").Status);
    }

    [Fact]
    public void Apply_WebhookForAnotherSmallcaseAuthId_ReportedAndStillAPromptToRead()
    {
        var tracker = new Tracker(SessionMorning);
        var open = tracker.Apply(DetailsEvent(TransactionStatus.Processing)).State;

        var decision = tracker.Apply(new WebhookReceived(Webhook(Completed) with { SmallcaseAuthId = "someone-else" }), TimeSpan.FromSeconds(5));

        Assert.True(decision.ForeignSmallcaseAuthId);
        Assert.Equal(TrackerIgnoreReason.None, decision.Ignored);
        Assert.Equal(AuthId, decision.State.SmallcaseAuthId);
        Assert.True(decision.State.NextWakeAt < open.NextWakeAt);
    }

    [Fact]
    public void Apply_WebhookForTheConfirmedSmallcaseAuthId_NotReported()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        Assert.False(tracker.Apply(WebhookEvent(Completed), TimeSpan.FromSeconds(5)).ForeignSmallcaseAuthId);
    }

    [Fact]
    public void Apply_SdkResultForAnotherSmallcaseAuthId_ReportedAndKeepsTheGatewaysOne()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Processing));

        var decision = tracker.Apply(new SdkResultReceived(Webhook(Completed), "someone-else"));

        Assert.True(decision.ForeignSmallcaseAuthId);
        Assert.Equal(AuthId, decision.State.SmallcaseAuthId);
        Assert.Empty(decision.State.Orders.Stocks);
    }

    [Fact]
    public void Apply_VerifiedSdkAuthIdBeforeTheGatewayNamedOne_Kept()
    {
        var tracker = new Tracker(SessionMorning);

        var decision = tracker.Apply(new SdkResultReceived(Webhook(Completed), "from-verified-token"));

        Assert.Equal("from-verified-token", decision.State.SmallcaseAuthId);
        Assert.Equal((TrackerPhase.AwaitingUser, 0), (decision.State.Phase, decision.State.Orders.Stocks.Count));
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
        Assert.Equal(TrackerAction.Wake(SessionMorning + tracker.Timings.SignalReadDelay), decision.NextAction);
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
        var tracker = new Tracker(SessionMorning);
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
        var open = tracker.Apply(DetailsEvent(TransactionStatus.Processing)).State;

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

        var confirming = tracker.Apply(DetailsEvent(TransactionStatus.Completed));
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
