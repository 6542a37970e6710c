using System.Globalization;

namespace Transactions.Tracking;

/// <summary>
/// The brain of the durable tracker: a pure function from (state, event) to a decision, with the clock injected.
/// It does no I/O; the host persists the state, schedules timers, calls the Gateway and publishes outcomes.
/// Thread-safe: it holds no mutable state.
/// </summary>
public sealed class TrackerEngine
{
    private const int MaxTimelineEventLength = 300;

    private readonly TimeProvider _time;
    private readonly TrackerRules _rules;

    public TrackerEngine(TimeProvider timeProvider, TrackerTimings timings, MarketCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(timings);
        ArgumentNullException.ThrowIfNull(calendar);
        timings.Validate();
        _time = timeProvider;
        Timings = timings;
        Calendar = calendar;
        _rules = new TrackerRules(timings, calendar);
    }

    public TrackerTimings Timings { get; }

    public MarketCalendar Calendar { get; }

    /// <summary>
    /// The state of a transaction the Gateway has just created: AwaitingUser, version 1, woken once expireAt plus the
    /// grace period has passed to check for expiry. The decision's action is that wake-up.
    /// </summary>
    public TrackerDecision Start(string transactionId, DateTimeOffset expireAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionId);
        var now = _time.GetUtcNow();
        var wakeAt = expireAt + Timings.ExpiryGrace;
        var state = new TrackedTransaction
        {
            TransactionId = transactionId,
            CreatedAt = now,
            ExpireAt = expireAt,
            Phase = TrackerPhase.AwaitingUser,
            Version = 1,
            NextWakeAt = wakeAt,
            WaitingFor = PollTarget.TransactionDetails,
            Timeline = [new TimelineEntry(now, $"created, expires at {expireAt.ToOffset(MarketCalendar.IndiaStandardTime).ToString("ddd d MMM HH:mm:ss 'IST'", CultureInfo.InvariantCulture)}")],
        };
        return new TrackerDecision { State = state, Changed = true, NextAction = TrackerAction.Wake(wakeAt) };
    }

    /// <summary>
    /// Applies one event through the transition table. Anything arriving in a terminal phase is ignored (reported in
    /// <see cref="TrackerDecision.Ignored"/>); so is a stale timer or poll result, or a signal applied before.
    /// </summary>
    /// <exception cref="ArgumentException">The event names another transaction (a routing bug in the host).</exception>
    /// <exception cref="IllegalTransitionException">A bug in the tracker: a move the transition table does not allow.</exception>
    public TrackerDecision Apply(TrackedTransaction state, TrackerEvent trackerEvent)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(trackerEvent);
        if (!string.IsNullOrEmpty(trackerEvent.NamedTransactionId)
            && !string.Equals(trackerEvent.NamedTransactionId, state.TransactionId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The {trackerEvent.Trigger} event names another transaction than {state.TransactionId}.", nameof(trackerEvent));
        }

        var now = _time.GetUtcNow();
        var row = TransitionTable.Find(state.Phase, trackerEvent.Trigger);
        if (row.IsIgnored)
        {
            return Ignored(state, TrackerIgnoreReason.TerminalPhase);
        }

        if (trackerEvent is PollResult { ForVersion: { } polledFor } && polledFor != state.Version)
        {
            return Ignored(state, TrackerIgnoreReason.StalePoll);
        }

        var signalKey = (trackerEvent as SignalReceived)?.SignalKey;
        if (signalKey is not null && state.AppliedSignals.Contains(signalKey, StringComparer.Ordinal))
        {
            return Ignored(state, TrackerIgnoreReason.SignalAlreadyApplied);
        }

        var step = row.Handler!(_rules, state, trackerEvent, now);
        if (step.Ignored != TrackerIgnoreReason.None)
        {
            return Ignored(state, step.Ignored);
        }

        TransitionTable.EnsureAllowed(row, step.State.Phase);
        if (step.State.HasSameContentAs(state))
        {
            return new TrackerDecision { State = state, NextAction = step.TimerAction ?? TrackerAction.None, ForeignSmallcaseAuthId = step.ForeignSmallcaseAuthId };
        }

        var finished = step.State.Phase.IsTerminal();
        var next = step.State with
        {
            Version = state.Version + 1,
            Timeline = Append(state.Timeline, new TimelineEntry(now, Describe(state, step, trackerEvent.Trigger)), TrackedTransaction.TimelineCapacity),
            AppliedSignals = signalKey is null ? state.AppliedSignals : Append(state.AppliedSignals, signalKey, TrackedTransaction.AppliedSignalCapacity),
            NextWakeAt = finished ? null : step.State.NextWakeAt,
            WaitingFor = finished ? null : step.State.WaitingFor,
            FinishedAt = finished ? now : null,
        };
        var action = finished
            ? TrackerAction.None
            : TrackerAction.Wake(next.NextWakeAt ?? throw new InvalidOperationException($"{next.Phase} was left without a wake-up time."));
        return new TrackerDecision
        {
            State = next,
            Changed = true,
            StockChanges = step.StockChanges,
            Conflicts = step.Conflicts,
            NextAction = action,
            Outcome = finished ? TrackerOutcome.From(next) : null,
            ForeignSmallcaseAuthId = step.ForeignSmallcaseAuthId,
        };
    }

    private static TrackerDecision Ignored(TrackedTransaction state, TrackerIgnoreReason reason) =>
        new() { State = state, Ignored = reason, NextAction = TrackerAction.None };

    private static string Describe(TrackedTransaction previous, TransitionStep step, TrackerTrigger trigger)
    {
        var text = step.State.Phase == previous.Phase
            ? step.Note
            : $"{step.Note}; {previous.Phase} -> {step.State.Phase}";
        text = string.IsNullOrEmpty(text) ? trigger.ToString() : text;
        return text.Length <= MaxTimelineEventLength ? text : text[..MaxTimelineEventLength];
    }

    /// <summary>The list with <paramref name="item"/> added at the end, oldest items dropped beyond <paramref name="capacity"/>.</summary>
    private static IReadOnlyList<T> Append<T>(IReadOnlyList<T> list, T item, int capacity)
    {
        var skip = Math.Max(0, list.Count + 1 - capacity);
        return [.. list.Skip(skip), item];
    }
}
