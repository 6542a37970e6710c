using Gateway.Client.Transactions;

namespace Transactions.Tracking;

/// <summary>
/// What <see cref="TrackerEngine.Apply"/> decided. The host:
/// <list type="number">
/// <item>when <see cref="Changed"/>, saves <see cref="State"/> with the row's ETag together with the events of the
/// change (one <c>order.updated</c> per <see cref="StockChanges"/> entry, and the <see cref="Outcome"/>), atomically
/// (on 412: reload, apply the event again), then publishes those events;</item>
/// <item>acts on <see cref="NextAction"/>.</item>
/// </list>
/// The events of a change are named by <see cref="TrackedTransaction.Version"/> of the new state, so applying the same
/// event to the same state always yields the same event ids.
/// </summary>
public sealed record TrackerDecision
{
    /// <summary>The new state, or the same instance when nothing changed.</summary>
    public required TrackedTransaction State { get; init; }

    /// <summary>True when <see cref="State"/> must be persisted.</summary>
    public bool Changed { get; init; }

    /// <summary>Why the event was a no-op, or <see cref="TrackerIgnoreReason.None"/> when it was applied. The host logs it.</summary>
    public TrackerIgnoreReason Ignored { get; init; }

    /// <summary>Stocks whose status or filled quantity changed: one <c>order.updated</c> event each, recorded with the new state.</summary>
    public IReadOnlyList<StockChange> StockChanges { get; init; } = [];

    /// <summary>Snapshots that contradicted final stock data; the stored data was kept. Worth a warning.</summary>
    public IReadOnlyList<StockConflict> Conflicts { get; init; } = [];

    public TrackerAction NextAction { get; init; }

    /// <summary>
    /// The webhook or SDK result named a smallcaseAuthId other than the one the Gateway confirmed for the transaction.
    /// It was used only as a prompt to read the Gateway; the host logs and counts it.
    /// </summary>
    public bool ForeignSmallcaseAuthId { get; init; }

    /// <summary>Set only by the change into a terminal phase, so at most once per transaction: recorded with the new state.</summary>
    public TrackerOutcome? Outcome { get; init; }
}

public enum TrackerActionKind
{
    /// <summary>Nothing to do: terminal, ignored, or a timer for this version is already pending.</summary>
    None,

    /// <summary>Call the transaction-details API now and apply <see cref="TransactionDetailsPolled"/> or <see cref="PollFailed"/>.</summary>
    PollTransactionDetails,

    /// <summary>Call the order-details API now and apply <see cref="OrderDetailsPolled"/> or <see cref="PollFailed"/>.</summary>
    PollOrderDetails,

    /// <summary>
    /// Set a durable timer for <see cref="TrackerAction.At"/> (one already due fires at once); when it fires, apply
    /// <see cref="TimerFired"/> with <see cref="TrackerDecision.State"/>'s version.
    /// </summary>
    Wake,
}

/// <summary>
/// The next step. Polls are only returned for a timer that came due, so the durable timer stays the carrier of the
/// work until the poll's result has been applied.
/// </summary>
/// <param name="At">When the action is due (for polls: when it became due).</param>
public readonly record struct TrackerAction(TrackerActionKind Kind, DateTimeOffset At)
{
    public static TrackerAction None => default;

    public static TrackerAction Wake(DateTimeOffset at) => new(TrackerActionKind.Wake, at);

    public static TrackerAction Poll(PollTarget target, DateTimeOffset at) => new(
        target == PollTarget.OrderDetails ? TrackerActionKind.PollOrderDetails : TrackerActionKind.PollTransactionDetails, at);
}

public enum TrackerIgnoreReason
{
    None,

    /// <summary>The transaction is already Completed, Failed or Expired: nothing changes any more.</summary>
    TerminalPhase,

    /// <summary>The timer was scheduled for an older version of the state; a newer timer is pending.</summary>
    StaleTimer,

    /// <summary>A poll result for an older version of the state (see <see cref="PollResult.ForVersion"/>).</summary>
    StalePoll,

    /// <summary>A webhook or SDK result whose <see cref="SignalReceived.SignalKey"/> was applied before.</summary>
    SignalAlreadyApplied,
}

/// <summary>The final result of a transaction, to publish once for the platform's other services.</summary>
public sealed record TrackerOutcome(
    string TransactionId,
    TrackerOutcomeKind Kind,
    DateTimeOffset DecidedAt,
    TransactionStatus? GatewayStatus,
    TransactionError? GatewayError,
    string? Broker,
    string? SmallcaseAuthId,
    TrackedOrders Orders)
{
    /// <summary>The outcome of a terminal state; null for a state that is not terminal.</summary>
    public static TrackerOutcome? From(TrackedTransaction state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Phase.IsTerminal()
            ? new TrackerOutcome(
                state.TransactionId,
                state.Outcome,
                state.FinishedAt ?? state.CreatedAt,
                state.GatewayStatus,
                state.GatewayError,
                state.Broker,
                state.SmallcaseAuthId,
                state.Orders)
            : null;
    }
}
