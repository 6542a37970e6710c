using Gateway.Client.Transactions;
using Microsoft.DurableTask;
using Transactions.Tracking;

namespace Transactions.Orchestration.Tests;

public sealed class TrackingOrchestrationTests
{
    private static readonly TrackerSignal Webhook = new(TrackerSignalSource.Webhook, ClaimedSmallcaseAuthId: Scenario.AuthId);

    /// <summary>The app's clock in step with the orchestration's (Azure), and a week behind it (a local run in simulated market time).</summary>
    public static TheoryData<TimeSpan> AppClockOffsets => [TimeSpan.Zero, TimeSpan.FromDays(-7)];

    [Fact]
    public void RunAsync_NewTransaction_WaitsForASignalRacedWithTheExpiryCheck()
    {
        var scenario = new Scenario();

        var run = scenario.Start();

        Assert.False(run.IsCompleted);
        Assert.True(scenario.Context.WaitingForSignal);
        Assert.Equal([scenario.Initial.NextWakeAt!.Value], scenario.PendingWakeUps);
        Assert.Empty(scenario.Context.ActivityCalls);
    }

    [Fact]
    public void RunAsync_FirstRunWithinLateStart_ReadsNothingBeforeASignal()
    {
        var scenario = new Scenario();
        scenario.Context.Advance(scenario.Timings.LateStart);

        scenario.Start();

        Assert.Empty(scenario.Context.ActivityCalls);
        Assert.True(scenario.Context.WaitingForSignal);
    }

    [Theory]
    [MemberData(nameof(AppClockOffsets))]
    public void RunAsync_FirstRunLaterThanLateStart_ReadsTransactionDetailsAtOnce(TimeSpan appClockOffset)
    {
        // Storage was down after the create: the task hub dropped the webhooks raised before this first run.
        var scenario = new Scenario(appClockOffset: appClockOffset)
        {
            TransactionDetails = request => Scenario.Details(request, TransactionStatus.Completed),
        };
        scenario.Context.Advance(scenario.Timings.LateStart + TimeSpan.FromSeconds(1));

        scenario.Start();

        Assert.Equal(PollTarget.TransactionDetails, Assert.Single(scenario.Reads).Target);
        var confirming = Assert.Single(scenario.Recorded);
        Assert.Equal(TrackerPhase.Confirming, confirming.State.Phase);
        Assert.Equal([scenario.Now + scenario.Timings.ConfirmDelay], scenario.PendingWakeUps);
    }

    [Theory]
    [MemberData(nameof(AppClockOffsets))]
    public async Task RunAsync_WebhookThenGatewayCompleted_ReadsConfirmsRecordsAndCompletes(TimeSpan appClockOffset)
    {
        var scenario = new Scenario(appClockOffset: appClockOffset)
        {
            TransactionDetails = request => Scenario.Details(request, TransactionStatus.Completed),
            OrderDetails = request => Scenario.Orders(request, "COMPLETED", ("ITC", "COMPLETE", 10)),
        };
        var run = scenario.Start();

        scenario.Context.Advance(TimeSpan.FromSeconds(30));
        scenario.Context.Raise(Webhook);
        var readAt = scenario.Now + scenario.Timings.SignalReadDelay;
        Assert.Equal([readAt], scenario.PendingWakeUps);
        Assert.Empty(scenario.Context.ActivityCalls);

        scenario.Context.FireNextTimer();
        Assert.Equal(PollTarget.TransactionDetails, Assert.Single(scenario.Reads).Target);
        var confirming = Assert.Single(scenario.Recorded);
        Assert.Equal(TrackerPhase.Confirming, confirming.State.Phase);
        Assert.Equal([readAt + scenario.Timings.ConfirmDelay], scenario.PendingWakeUps);

        scenario.Context.FireNextTimer();

        Assert.Equal(TrackerOutcomeKind.Completed, await Finished(run));
        Assert.Equal([PollTarget.TransactionDetails, PollTarget.OrderDetails], scenario.Reads.Select(r => r.Target));
        var completed = scenario.Recorded[^1];
        Assert.Equal(TrackerPhase.Completed, completed.State.Phase);
        Assert.Equal(TrackerOutcomeKind.Completed, completed.Outcome?.Kind);
        Assert.Equal("ITC", Assert.Single(completed.StockChanges).Ticker);
        Assert.True(completed.State.Version > confirming.State.Version);
        Assert.Empty(scenario.Context.PendingTimers);
    }

    [Fact]
    public void RunAsync_BurstOfSignals_OneTimerAndOneRead()
    {
        var scenario = new Scenario();
        scenario.Start();

        scenario.Context.Raise(Webhook);
        scenario.Context.Advance(TimeSpan.FromMilliseconds(500));
        scenario.Context.Raise(Webhook);
        scenario.Context.Advance(TimeSpan.FromMilliseconds(500));
        scenario.Context.Raise(new TrackerSignal(TrackerSignalSource.SdkResult, VerifiedSmallcaseAuthId: Scenario.AuthId));
        Assert.Equal(2, scenario.Context.TimersCreated); // the expiry check, then the read the first signal asked for
        Assert.Single(scenario.Context.PendingTimers);

        scenario.Context.FireNextTimer();

        Assert.Single(scenario.Reads);
    }

    [Fact]
    public void RunAsync_TimerDeliveredBeforeItsFireTime_ReadsOnceAndSetsNoSecondTimer()
    {
        var scenario = new Scenario { TransactionDetails = request => Scenario.Details(request, TransactionStatus.Processing) };
        scenario.Start();
        scenario.Context.Raise(Webhook);
        var created = scenario.Context.TimersCreated;

        scenario.Context.FireNextTimer(early: TimeSpan.FromMilliseconds(900));

        Assert.Single(scenario.Reads);
        Assert.Equal(created + 1, scenario.Context.TimersCreated); // the next poll's, not the same wake-up again
    }

    [Fact]
    public void RunAsync_SignalsAlone_RecordNothing()
    {
        var scenario = new Scenario();
        scenario.Start();

        scenario.Context.Raise(Webhook);
        scenario.Context.Raise(Webhook);

        Assert.Empty(scenario.Recorded);
        Assert.Contains("changed AwaitingUser->AwaitingUser", scenario.Observer.Reports);
    }

    [Fact]
    public void RunAsync_SignalWhileReading_KeptForTheNextWait()
    {
        var scenario = new Scenario();
        scenario.TransactionDetails = request =>
        {
            // A webhook raised while the read runs is buffered by Durable Task until the orchestrator waits again.
            scenario.Context.Raise(Webhook);
            return Scenario.Details(request, TransactionStatus.Processing);
        };
        scenario.Start();
        scenario.Context.Raise(Webhook);

        scenario.Context.FireNextTimer();
        scenario.Context.FireNextTimer();

        Assert.Equal(2, scenario.Reads.Count);
    }

    [Fact]
    public void RunAsync_WebhookNamingAnotherAccount_ReportedAndReadsKeepTheConfirmedAccount()
    {
        var scenario = new Scenario { TransactionDetails = request => Scenario.Details(request, TransactionStatus.Processing) };
        scenario.Start();
        scenario.Context.Raise(Webhook);
        scenario.Context.FireNextTimer();

        scenario.Context.Raise(new TrackerSignal(TrackerSignalSource.Webhook, ClaimedSmallcaseAuthId: Scenario.OtherAuthId));
        scenario.Context.FireNextTimer();

        Assert.Contains("foreign WebhookReceived", scenario.Observer.Reports);
        Assert.Equal([null, Scenario.AuthId], scenario.Reads.Select(r => r.SmallcaseAuthId));
        Assert.All(scenario.Recorded, change => Assert.Equal(Scenario.AuthId, change.State.SmallcaseAuthId));
    }

    [Fact]
    public void RunAsync_ReadActivityFails_CountsAsAFailedPollAndRetriesAfterTheRetryDelay()
    {
        var scenario = new Scenario
        {
            TransactionDetails = _ => throw Failure("Azure.RequestFailedException"),
        };
        scenario.Start();
        scenario.Context.Raise(Webhook);

        scenario.Context.FireNextTimer();

        Assert.Contains("read failed TransactionDetails", scenario.Observer.Reports);
        var change = Assert.Single(scenario.Recorded);
        Assert.Equal(1, change.State.ConsecutivePollFailures);
        Assert.Contains("read did not run (Azure.RequestFailedException)", change.State.Timeline[^1].Event, StringComparison.Ordinal);
        Assert.Equal([scenario.Now + scenario.Timings.PollRetryInitial], scenario.PendingWakeUps);
    }

    [Fact]
    public void RunAsync_GatewayReadFailure_AppliedAsAFailedPoll()
    {
        var scenario = new Scenario { TransactionDetails = request => GatewayReadResult.Failed(request.Target, "HTTP 503") };
        scenario.Start();
        scenario.Context.Raise(Webhook);

        scenario.Context.FireNextTimer();

        Assert.Contains("HTTP 503", Assert.Single(scenario.Recorded).State.Timeline[^1].Event, StringComparison.Ordinal);
        Assert.DoesNotContain(scenario.Observer.Reports, r => r.StartsWith("read failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_RecordingFailsForGood_OrchestrationFailsWithTheChangeUnrecorded()
    {
        var scenario = new Scenario
        {
            TransactionDetails = request => Scenario.Details(request, TransactionStatus.Processing),
            Record = _ => throw Failure("Azure.RequestFailedException"),
        };
        var run = scenario.Start();
        scenario.Context.Raise(Webhook);

        scenario.Context.FireNextTimer();

        await Assert.ThrowsAsync<TaskFailedException>(() => Finished(run));
    }

    [Theory]
    [MemberData(nameof(AppClockOffsets))]
    public async Task RunAsync_NoSignalUntilExpiry_ReadsOnceAndExpires(TimeSpan appClockOffset)
    {
        var scenario = new Scenario(appClockOffset: appClockOffset);
        var run = scenario.Start();

        scenario.Context.FireNextTimer();

        Assert.Equal(TrackerOutcomeKind.Expired, await Finished(run));
        Assert.Equal(scenario.Initial.ExpireAt + scenario.Timings.ExpiryGrace, scenario.Now);
        Assert.Equal(PollTarget.TransactionDetails, Assert.Single(scenario.Reads).Target);
        Assert.Equal(TrackerOutcomeKind.Expired, Assert.Single(scenario.Recorded).Outcome?.Kind);
    }

    [Theory]
    [MemberData(nameof(AppClockOffsets))]
    public void RunAsync_ProcessingAfterTheClose_SleepsUntilTheNextSessionOpens(TimeSpan appClockOffset)
    {
        var evening = Scenario.Ist(2026, 1, 7, 20, 0);
        var scenario = new Scenario(evening, appClockOffset: appClockOffset) { TransactionDetails = request => Scenario.Details(request, TransactionStatus.Processing) };
        scenario.Start();
        scenario.Context.Raise(Webhook);

        scenario.Context.FireNextTimer();

        var nextOpen = Scenario.Ist(2026, 1, 8, 9, 15) + scenario.Timings.SessionOpenDelay;
        Assert.Equal([nextOpen], scenario.PendingWakeUps);
        Assert.Equal(TrackerPhase.OrdersOpen, Assert.Single(scenario.Recorded).State.Phase);
    }

    [Fact]
    public async Task RunAsync_AmoPlacedFridayEvening_SleepsOverTheWeekendAndCompletesInMondaysSession()
    {
        var fridayEvening = Scenario.Ist(2026, 1, 9, 18, 0);
        var scenario = new Scenario(fridayEvening, appClockOffset: TimeSpan.FromDays(-30))
        {
            TransactionDetails = request => Scenario.Details(request, TransactionStatus.Processing),
            OrderDetails = request => Scenario.Orders(request, "COMPLETED", ("ITC", "COMPLETE", 10)),
        };
        var run = scenario.Start();
        scenario.Context.Raise(Webhook);
        scenario.Context.FireNextTimer();

        var mondaySession = Scenario.Ist(2026, 1, 12, 9, 15) + scenario.Timings.SessionOpenDelay;
        Assert.Equal([mondaySession], scenario.PendingWakeUps);
        scenario.TransactionDetails = request => Scenario.Details(request, TransactionStatus.Completed);
        scenario.Context.FireNextTimer();
        scenario.Context.FireNextTimer();

        Assert.Equal(TrackerOutcomeKind.Completed, await Finished(run));
        Assert.Equal(3, scenario.Reads.Count);
        Assert.Equal(mondaySession + scenario.Timings.ConfirmDelay, scenario.Now);
    }

    [Fact]
    public void RunAsync_OrdersStillOpenAtTheClose_LooksAgainAfterTheClose()
    {
        var nearTheClose = Scenario.Ist(2026, 1, 7, 15, 25);
        var scenario = new Scenario(nearTheClose) { TransactionDetails = request => Scenario.Details(request, TransactionStatus.Processing) };
        scenario.Start();
        scenario.Context.Raise(Webhook);
        var close = Scenario.Ist(2026, 1, 7, 15, 30);

        while (scenario.PendingWakeUps.Single() < close)
        {
            scenario.Context.FireNextTimer();
        }

        Assert.Equal([close + scenario.Timings.AfterCloseDelay], scenario.PendingWakeUps);
        Assert.InRange(scenario.Reads.Count, 2, 4);
    }

    [Fact]
    public void RunAsync_ReplayedWithTheSameHistory_MakesTheSameCallsAndReportsNothing()
    {
        var live = Drive(new Scenario());
        var replayed = Drive(new Scenario(replaying: true));

        Assert.Equal(live.Context.Calls, replayed.Context.Calls);
        Assert.Equal(
            live.Recorded.Select(c => (c.State.Version, c.State.Phase, c.StockChanges.Count, c.Outcome?.Kind)),
            replayed.Recorded.Select(c => (c.State.Version, c.State.Phase, c.StockChanges.Count, c.Outcome?.Kind)));
        Assert.NotEmpty(live.Observer.Reports);
        Assert.Empty(replayed.Observer.Reports);

        static Scenario Drive(Scenario scenario)
        {
            scenario.TransactionDetails = request => Scenario.Details(request, TransactionStatus.Completed);
            scenario.OrderDetails = request => Scenario.Orders(request, "COMPLETED", ("ITC", "COMPLETE", 10), ("INFY", "REJECTED", 0));
            scenario.Start();
            scenario.Context.Raise(Webhook);
            scenario.Context.Advance(TimeSpan.FromSeconds(1));
            scenario.Context.Raise(Webhook);
            scenario.Context.FireNextTimer();
            scenario.Context.FireNextTimer();
            return scenario;
        }
    }

    /// <summary>Everything runs inline on the scripted context: an orchestration not finished by now never will be.</summary>
    private static Task<TrackerOutcomeKind> Finished(Task<TrackerOutcomeKind> run)
    {
        Assert.True(run.IsCompleted, "The orchestration is still waiting.");
        return run;
    }

    private static TaskFailedException Failure(string errorType) =>
        new("activity", 1, new TaskFailureDetails(errorType, "storage is unavailable", StackTrace: null, InnerFailure: null, Properties: null));
}
