using System.Collections.Frozen;

namespace Transactions.Tracking;

/// <summary>
/// The one transition table: for every (phase, trigger), the handler and the phases it may lead to.
/// One rule covers every terminal phase: any trigger is ignored (a no-op reported in the decision, never an
/// exception, never a change). An exception only means a bug in the tracker: a handler tried a move the table
/// does not allow.
/// </summary>
internal static class TransitionTable
{
    internal delegate TransitionStep Handler(TrackerRules rules, TrackedTransaction state, TrackerEvent trackerEvent, DateTimeOffset now);

    /// <param name="Handler">Null for an ignored row.</param>
    internal sealed record Row(TrackerPhase Phase, TrackerTrigger Trigger, Handler? Handler, FrozenSet<TrackerPhase> Targets)
    {
        public bool IsIgnored => Handler is null;
    }

    private const TrackerPhase Awaiting = TrackerPhase.AwaitingUser;
    private const TrackerPhase Open = TrackerPhase.OrdersOpen;
    private const TrackerPhase Confirming = TrackerPhase.Confirming;
    private const TrackerPhase Completed = TrackerPhase.Completed;
    private const TrackerPhase Failed = TrackerPhase.Failed;
    private const TrackerPhase Expired = TrackerPhase.Expired;

    private static readonly Handler Webhook = static (rules, state, e, now) => rules.OnWebhook(state, (WebhookReceived)e, now);
    private static readonly Handler Sdk = static (rules, state, e, now) => rules.OnSdkResult(state, (SdkResultReceived)e, now);
    private static readonly Handler TransactionDetails = static (rules, state, e, now) => rules.OnTransactionDetails(state, (TransactionDetailsPolled)e, now);
    private static readonly Handler OrderDetails = static (rules, state, e, now) => rules.OnOrderDetails(state, (OrderDetailsPolled)e, now);
    private static readonly Handler Timer = static (rules, state, e, now) => TrackerRules.OnTimer(state, (TimerFired)e, now);
    private static readonly Handler Failure = static (rules, state, e, now) => rules.OnPollFailed(state, (PollFailed)e, now);

    /// <summary>
    /// Signals (webhook, SDK) never change the phase: they only make the tracker read the Gateway. Transaction details
    /// may fail or expire a transaction; only order details complete it. Timers and poll failures never change the
    /// phase. Phases only move forward, except Confirming back to OrdersOpen when a stock that is not final appears.
    /// </summary>
    private static readonly Row[] NonTerminalRows =
    [
        new(Awaiting, TrackerTrigger.WebhookReceived, Webhook, Set(Awaiting)),
        new(Awaiting, TrackerTrigger.SdkResultReceived, Sdk, Set(Awaiting)),
        new(Awaiting, TrackerTrigger.TransactionDetailsPolled, TransactionDetails, Set(Awaiting, Open, Confirming, Failed, Expired)),
        new(Awaiting, TrackerTrigger.OrderDetailsPolled, OrderDetails, Set(Awaiting, Open, Confirming, Completed)),
        new(Awaiting, TrackerTrigger.TimerFired, Timer, Set(Awaiting)),
        new(Awaiting, TrackerTrigger.PollFailed, Failure, Set(Awaiting)),

        new(Open, TrackerTrigger.WebhookReceived, Webhook, Set(Open)),
        new(Open, TrackerTrigger.SdkResultReceived, Sdk, Set(Open)),
        new(Open, TrackerTrigger.TransactionDetailsPolled, TransactionDetails, Set(Open, Confirming, Failed, Expired)),
        new(Open, TrackerTrigger.OrderDetailsPolled, OrderDetails, Set(Open, Confirming, Completed)),
        new(Open, TrackerTrigger.TimerFired, Timer, Set(Open)),
        new(Open, TrackerTrigger.PollFailed, Failure, Set(Open)),

        new(Confirming, TrackerTrigger.WebhookReceived, Webhook, Set(Confirming)),
        new(Confirming, TrackerTrigger.SdkResultReceived, Sdk, Set(Confirming)),
        new(Confirming, TrackerTrigger.TransactionDetailsPolled, TransactionDetails, Set(Confirming, Open, Failed, Expired)),
        new(Confirming, TrackerTrigger.OrderDetailsPolled, OrderDetails, Set(Confirming, Open, Completed)),
        new(Confirming, TrackerTrigger.TimerFired, Timer, Set(Confirming)),
        new(Confirming, TrackerTrigger.PollFailed, Failure, Set(Confirming)),
    ];

    public static FrozenDictionary<(TrackerPhase Phase, TrackerTrigger Trigger), Row> Rows { get; } = Build();

    /// <summary>The row for (phase, trigger); throws <see cref="IllegalTransitionException"/> for a pair the table lacks.</summary>
    public static Row Find(TrackerPhase phase, TrackerTrigger trigger) =>
        Rows.TryGetValue((phase, trigger), out var row) ? row : throw new IllegalTransitionException(phase, trigger, null);

    /// <summary>Throws <see cref="IllegalTransitionException"/> unless the row allows moving to <paramref name="to"/>.</summary>
    public static void EnsureAllowed(Row row, TrackerPhase to)
    {
        if (!row.Targets.Contains(to))
        {
            throw new IllegalTransitionException(row.Phase, row.Trigger, to);
        }
    }

    private static FrozenDictionary<(TrackerPhase, TrackerTrigger), Row> Build()
    {
        var rows = NonTerminalRows.ToDictionary(row => (row.Phase, row.Trigger));
        foreach (var phase in Enum.GetValues<TrackerPhase>().Where(phase => phase.IsTerminal()))
        {
            foreach (var trigger in Enum.GetValues<TrackerTrigger>())
            {
                rows.Add((phase, trigger), new Row(phase, trigger, null, Set(phase)));
            }
        }

        return rows.ToFrozenDictionary();
    }

    private static FrozenSet<TrackerPhase> Set(params TrackerPhase[] phases) => phases.ToFrozenSet();
}

/// <summary>A move the transition table does not allow. Only a bug in the tracker can cause it, never input.</summary>
public sealed class IllegalTransitionException : InvalidOperationException
{
    public IllegalTransitionException(TrackerPhase from, TrackerTrigger trigger, TrackerPhase? to)
        : base(to is null
            ? $"The transition table has no row for {trigger} in phase {from}."
            : $"{trigger} may not move a transaction from {from} to {to}.")
    {
        From = from;
        Trigger = trigger;
        To = to;
    }

    public TrackerPhase From { get; }

    public TrackerTrigger Trigger { get; }

    /// <summary>Null when the table has no row for (From, Trigger).</summary>
    public TrackerPhase? To { get; }
}
