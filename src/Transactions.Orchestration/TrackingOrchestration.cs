using Microsoft.DurableTask;
using Transactions.Tracking;

namespace Transactions.Orchestration;

/// <summary>
/// One orchestration per transaction (instance id = transactionId) follows it until every stock-level status is final.
/// A thin deterministic loop around the tracking engine, with the orchestration's clock as "now": it waits for a
/// signal (<see cref="SignalEvent"/>: a webhook or SDK result, only ever a prompt to read the Gateway) raced against a
/// durable timer for the engine's next wake-up; when the timer fires it reads the Gateway through
/// <see cref="ReadGatewayActivity"/> and applies the answer. Every change the Gateway's answers make is saved and its
/// events published through <see cref="RecordChangeActivity"/>; changes made by signals alone (when to read next) live
/// only in the orchestration.
/// </summary>
/// <remarks>
/// The history is bounded by the transaction's life (a handful of signals, reads that back off, sessions that end), so
/// the loop never continues as new: doing that while a timer is pending makes the stale timer come back out of order.
/// A signal raised after the outcome finds the instance completed and is dropped, as the engine would ignore it.
/// </remarks>
public sealed class TrackingOrchestration(TrackerTimings timings, MarketCalendar calendar, ITrackingObserver observer)
    : TaskOrchestrator<TrackingInput, TrackerOutcomeKind>
{
    public const string Name = "TrackTransaction";
    public const string SignalEvent = "TrackerSignal";
    public const string ReadGatewayActivity = "ReadGateway";
    public const string RecordChangeActivity = "RecordTrackerChange";

    /// <summary>
    /// The orchestration version new instances start at; a worker runs instances of this version or older and rejects
    /// newer ones, so a deploy never breaks in-flight transactions. The Functions host takes it from host.json
    /// (<c>durableTask.defaultVersion</c>, kept equal by a test); raise both when the orchestration changes incompatibly.
    /// </summary>
    public const string Version = "1.0";

    /// <summary>With the default timings: 2 s, 4 s, 8 s ... then every 5 minutes, about an hour in all.</summary>
    public const int RecordAttempts = 18;

    public override async Task<TrackerOutcomeKind> RunAsync(TaskOrchestrationContext context, TrackingInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var time = new OrchestrationTime(context, input.AppClockOffset);
        var engine = new TrackerEngine(time, timings, calendar);
        var state = input.Initial;

        // The span the next reads and changes belong to: the create request's, then the latest signal's hand-over.
        var trace = input.TraceParent;
        if (time.GetUtcNow() - state.CreatedAt > timings.LateStart)
        {
            // Signals raised before this first run were dropped by the task hub: read what they would have prompted.
            var answer = await ReadAsync(context, state, PollTarget.TransactionDetails, trace);
            state = await ApplyAsync(context, engine, state, answer.ToEvent(state.Version), trace);
        }

        using var wakeUp = new WakeUpTimer(context, time);
        while (!state.Phase.IsTerminal())
        {
            var timer = wakeUp.At(state.NextWakeAt ?? throw new InvalidOperationException($"{state.Phase} has no wake-up time."));
            using var stopWaiting = new CancellationTokenSource();
            var signal = context.WaitForExternalEvent<TrackerSignal>(SignalEvent, stopWaiting.Token);
            if (await Task.WhenAny(timer, signal) == signal)
            {
                var received = await signal;
                trace = received.TraceParent ?? trace;
                state = await ApplyAsync(context, engine, state, received.ToEvent(), trace);
                continue;
            }

            stopWaiting.Cancel();
            time.TimerFired(wakeUp.Fired());
            var woken = Decide(context, engine, state, new TimerFired(state.Version));
            if (woken.NextAction.Kind is TrackerActionKind.PollTransactionDetails or TrackerActionKind.PollOrderDetails)
            {
                var target = woken.NextAction.Kind == TrackerActionKind.PollOrderDetails ? PollTarget.OrderDetails : PollTarget.TransactionDetails;
                var answer = await ReadAsync(context, state, target, trace);
                state = await ApplyAsync(context, engine, state, answer.ToEvent(state.Version), trace);
            }
        }

        wakeUp.Cancel();
        return state.Outcome;
    }

    private async Task<TrackedTransaction> ApplyAsync(
        TaskOrchestrationContext context, TrackerEngine engine, TrackedTransaction state, TrackerEvent trackerEvent, string? trace)
    {
        var decision = Decide(context, engine, state, trackerEvent);
        if (!decision.Changed)
        {
            return state;
        }

        if (!context.IsReplaying)
        {
            observer.Changed(state.TransactionId, state.Phase, decision);
        }

        // A signal only moves the next read forward: nothing the platform sees has changed.
        if (trackerEvent is not SignalReceived)
        {
            await RecordAsync(context, TrackerChange.Of(decision, trace));
        }

        return decision.State;
    }

    private TrackerDecision Decide(TaskOrchestrationContext context, TrackerEngine engine, TrackedTransaction state, TrackerEvent trackerEvent)
    {
        var decision = engine.Apply(state, trackerEvent);
        if (!context.IsReplaying)
        {
            if (decision.Ignored != TrackerIgnoreReason.None)
            {
                observer.Ignored(state.TransactionId, trackerEvent.Trigger, decision.Ignored);
            }

            if (decision.ForeignSmallcaseAuthId)
            {
                observer.ForeignSmallcaseAuthId(state.TransactionId, trackerEvent.Trigger);
            }
        }

        return decision;
    }

    /// <summary>A read that could not run at all (e.g. the secrets are unavailable) is a failed read: the engine backs off.</summary>
    private async Task<GatewayReadResult> ReadAsync(TaskOrchestrationContext context, TrackedTransaction state, PollTarget target, string? trace)
    {
        try
        {
            return await context.CallActivityAsync<GatewayReadResult>(
                ReadGatewayActivity, new GatewayReadRequest(state.TransactionId, target, state.SmallcaseAuthId, trace));
        }
        catch (TaskFailedException e)
        {
            var reason = $"read did not run ({e.FailureDetails.ErrorType})";
            if (!context.IsReplaying)
            {
                observer.ReadFailed(state.TransactionId, target, reason);
            }

            return GatewayReadResult.Failed(target, reason);
        }
    }

    /// <summary>
    /// Saves the change and publishes its events, retrying with back-off while storage fails. Durable Task keeps its own
    /// history in the same storage, so an outage long enough to exhaust the retries stops the orchestration too; if the
    /// retries are exhausted anyway the orchestration fails, visibly, with the last confirmed change unsaved.
    /// </summary>
    private Task RecordAsync(TaskOrchestrationContext context, TrackerChange change) =>
        context.CallActivityAsync(RecordChangeActivity, change, TaskOptions.FromRetryPolicy(new RetryPolicy(
            maxNumberOfAttempts: RecordAttempts,
            firstRetryInterval: timings.RecordRetryInitial,
            backoffCoefficient: 2,
            maxRetryInterval: timings.RecordRetryMax)));

    /// <summary>
    /// The one pending durable timer for the next wake-up: kept while the wake-up time stays the same (a signal that
    /// changes nothing makes no new timer), cancelled and replaced when it moves.
    /// </summary>
    private sealed class WakeUpTimer(TaskOrchestrationContext context, OrchestrationTime time) : IDisposable
    {
        private Task? _timer;
        private DateTimeOffset _at;
        private CancellationTokenSource? _cancel;

        public Task At(DateTimeOffset at)
        {
            if (_timer is null || at != _at)
            {
                Cancel();
                _cancel = new CancellationTokenSource();
                _timer = context.CreateTimer(time.ToOrchestrationTime(at), _cancel.Token);
                _at = at;
            }

            return _timer;
        }

        /// <returns>When the timer that fired was set for.</returns>
        public DateTimeOffset Fired()
        {
            _cancel?.Dispose();
            (_timer, _cancel) = (null, null);
            return _at;
        }

        public void Cancel()
        {
            _cancel?.Cancel();
            Fired();
        }

        public void Dispose() => _cancel?.Dispose();
    }
}
