using Gateway.Client.Transactions;
using Transactions.Tracking;

namespace Transactions.Orchestration;

/// <summary>The orchestration's input.</summary>
/// <param name="Initial">The state the transaction was created with (<see cref="TrackerEngine.Start"/>), already saved on its row.</param>
/// <param name="AppClockOffset">
/// How far the app's clock (its <see cref="TimeProvider"/>, which stamped <paramref name="Initial"/>) is ahead of the
/// orchestration's. Zero in Azure. In local runs the app lives in the embedded simulator's market time, which runs at
/// the real pace from another instant; the orchestration keeps that offset so the tracker and the simulated market agree.
/// It is part of the input, never read from outside, so a replay always computes the same times.
/// </param>
/// <param name="TraceParent">The W3C trace context of the create request: the transaction's trace, until a signal brings a later span of it.</param>
public sealed record TrackingInput(TrackedTransaction Initial, TimeSpan AppClockOffset = default, string? TraceParent = null);

/// <summary>Input of <see cref="TrackingOrchestration.ReadGatewayActivity"/>: one read of the Gateway with the platform's credentials.</summary>
/// <param name="SmallcaseAuthId">The account the Gateway confirmed for the transaction: the read uses a connected token for it, else a guest token.</param>
/// <param name="TraceParent">The W3C trace context the read belongs to (the transaction's trace).</param>
public sealed record GatewayReadRequest(string TransactionId, PollTarget Target, string? SmallcaseAuthId, string? TraceParent = null);

/// <summary>
/// What a Gateway read returned: the transaction details, the order details, or why it failed (short, no secrets).
/// A failed read is an answer, not an activity failure: the engine backs off and reads again.
/// </summary>
public sealed record GatewayReadResult(PollTarget Target, TransactionDetails? Transaction = null, OrderDetails? Orders = null, string? Failure = null)
{
    public static GatewayReadResult Failed(PollTarget target, string reason) => new(target, Failure: reason);

    /// <summary>The engine's event for this answer to a read asked for by state <paramref name="forVersion"/>.</summary>
    public PollResult ToEvent(long forVersion) => this switch
    {
        { Failure: { } reason } => new PollFailed(Target, reason) { ForVersion = forVersion },
        { Transaction: { } details } => new TransactionDetailsPolled(details) { ForVersion = forVersion },
        { Orders: { } orders } => new OrderDetailsPolled(orders) { ForVersion = forVersion },
        _ => new PollFailed(Target, "empty answer") { ForVersion = forVersion },
    };
}

/// <summary>
/// Input of <see cref="TrackingOrchestration.RecordChangeActivity"/>: a change of the tracked state to save on the
/// transaction's row, with the events it publishes (one <c>order.updated</c> per stock change, and the outcome). The
/// events are named by <see cref="TrackedTransaction.Version"/>, so a retried activity records and sends the same ids;
/// a row already at this version or newer is not written again.
/// </summary>
/// <param name="TraceParent">The W3C trace context the change belongs to (the transaction's trace).</param>
public sealed record TrackerChange(
    TrackedTransaction State,
    IReadOnlyList<StockChange> StockChanges,
    TrackerOutcome? Outcome,
    string? TraceParent = null)
{
    public static TrackerChange Of(TrackerDecision decision, string? traceParent)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new TrackerChange(decision.State, decision.StockChanges, decision.Outcome, traceParent);
    }
}
