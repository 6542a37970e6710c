using System.Text.Json.Serialization;

namespace Transactions.Tracking;

/// <summary>Where a tracked transaction is. Persisted by name, so members may be reordered but never renamed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrackerPhase>))]
public enum TrackerPhase
{
    /// <summary>Created; the user has not finished the SDK flow and no order is known.</summary>
    AwaitingUser,

    /// <summary>Orders are known and at least one stock is not final (AMO, limit, partial fill), or the Gateway says PROCESSING.</summary>
    OrdersOpen,

    /// <summary>
    /// The Gateway says COMPLETED (or every stock it reported is final) but the order-details read that brings the
    /// orders has not completed it yet. Webhooks and SDK results never move a transaction here: they only prompt reads.
    /// </summary>
    Confirming,

    /// <summary>Terminal: the order-details API returned the orders and every stock is final.</summary>
    Completed,

    /// <summary>Terminal: the Gateway reported ERRORED (user_cancelled, market_closed, insufficient_holdings, ...).</summary>
    Failed,

    /// <summary>Terminal: the Gateway still says INITIALIZED or USED once expireAt plus the grace period has passed.</summary>
    Expired,
}

/// <summary>What happened to a tracked transaction. Persisted by name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrackerTrigger>))]
public enum TrackerTrigger
{
    WebhookReceived,
    SdkResultReceived,
    TransactionDetailsPolled,
    OrderDetailsPolled,
    TimerFired,
    PollFailed,
}

/// <summary>The published result of a transaction; <see cref="None"/> until the tracker reaches a terminal phase.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrackerOutcomeKind>))]
public enum TrackerOutcomeKind
{
    None,
    Completed,
    Failed,
    Expired,
}

/// <summary>The Gateway API a poll reads.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PollTarget>))]
public enum PollTarget
{
    /// <summary><c>GET /v1/{gw}/engine/transactiondetails</c>: the transaction status.</summary>
    TransactionDetails,

    /// <summary><c>GET /v1/{gw}/engine/orders/sst</c>: the orders, returned only once the transaction is COMPLETED.</summary>
    OrderDetails,
}

public static class TrackerPhaseExtensions
{
    public static bool IsTerminal(this TrackerPhase phase) =>
        phase is TrackerPhase.Completed or TrackerPhase.Failed or TrackerPhase.Expired;

    public static TrackerOutcomeKind ToOutcome(this TrackerPhase phase) => phase switch
    {
        TrackerPhase.Completed => TrackerOutcomeKind.Completed,
        TrackerPhase.Failed => TrackerOutcomeKind.Failed,
        TrackerPhase.Expired => TrackerOutcomeKind.Expired,
        _ => TrackerOutcomeKind.None,
    };
}
