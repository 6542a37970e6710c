using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Client.Webhooks;

namespace Transactions.Tracking;

/// <summary>Something that happened to a tracked transaction; the host builds one and passes it to <see cref="TrackerEngine.Apply"/>.</summary>
public abstract record TrackerEvent
{
    public abstract TrackerTrigger Trigger { get; }

    /// <summary>The transaction the event names, when it names one; checked against the state.</summary>
    internal abstract string? NamedTransactionId { get; }
}

/// <summary>A signal from outside (webhook, SDK result) as the host stored it: delivered at least once.</summary>
public abstract record SignalReceived : TrackerEvent
{
    /// <summary>
    /// A key the host gives the signal (e.g. a hash of the hit). A signal whose key the state has already applied is
    /// ignored, so processing one stored signal twice changes nothing. Null skips the check.
    /// </summary>
    public string? SignalKey { get; init; }
}

/// <summary>
/// A webhook whose checksum the host has verified. The checksum covers only timestamp and smallcaseAuthId, so the
/// webhook only makes the tracker read the Gateway; nothing in its body is applied.
/// </summary>
public sealed record WebhookReceived(GatewayWebhook Webhook) : SignalReceived
{
    public override TrackerTrigger Trigger => TrackerTrigger.WebhookReceived;

    internal override string? NamedTransactionId => Webhook.TransactionId;
}

/// <summary>
/// What the app reported from the Gateway SDK. It comes from the user's device, so like a webhook it only makes the
/// tracker read the Gateway; of its content only the verified smallcaseAuthId is kept.
/// </summary>
/// <param name="Result">The SDK's order response, when the flow finished with one.</param>
/// <param name="SmallcaseAuthId">From the <c>smallcaseAuthToken</c> JWT, after the host verified it; null when unverified.</param>
/// <param name="Error">The SDK error (e.g. <c>user_cancelled</c>), when the flow ended with one.</param>
public sealed record SdkResultReceived(OrderResponse? Result, string? SmallcaseAuthId = null, TransactionError? Error = null) : SignalReceived
{
    public override TrackerTrigger Trigger => TrackerTrigger.SdkResultReceived;

    internal override string? NamedTransactionId => Result?.TransactionId;
}

/// <summary>The result of a Gateway call that a timer asked for.</summary>
public abstract record PollResult : TrackerEvent
{
    /// <summary>
    /// The state version whose timer asked for the call; when the state has moved on since, the result is ignored
    /// (whatever changed it scheduled its own wake-up). Null applies the result to any version.
    /// </summary>
    /// <remarks>
    /// A host may deliver a timer or a read's result more than once, so several timers of one
    /// version can each poll: only the first result counts, and the others cannot inflate the idle back-off.
    /// </remarks>
    public long? ForVersion { get; init; }
}

/// <summary>The <c>data</c> of a successful transaction-details call.</summary>
public sealed record TransactionDetailsPolled(TransactionDetails Details) : PollResult
{
    public override TrackerTrigger Trigger => TrackerTrigger.TransactionDetailsPolled;

    internal override string? NamedTransactionId => Details.TransactionId;
}

/// <summary>The <c>data</c> of a successful order-details call; empty until the transaction is COMPLETED.</summary>
public sealed record OrderDetailsPolled(OrderDetails Details) : PollResult
{
    public override TrackerTrigger Trigger => TrackerTrigger.OrderDetailsPolled;

    internal override string? NamedTransactionId => null;
}

/// <summary>A durable timer came due.</summary>
/// <param name="ScheduledForVersion">The state version the timer was scheduled for; any other version makes it stale.</param>
public sealed record TimerFired(long ScheduledForVersion) : TrackerEvent
{
    public override TrackerTrigger Trigger => TrackerTrigger.TimerFired;

    internal override string? NamedTransactionId => null;
}

/// <summary>A poll failed (timeout, 5xx, <c>success:false</c>).</summary>
/// <param name="Reason">Short and free of secrets, e.g. "HTTP 503"; it goes into the timeline.</param>
public sealed record PollFailed(PollTarget Target, string Reason) : PollResult
{
    public override TrackerTrigger Trigger => TrackerTrigger.PollFailed;

    internal override string? NamedTransactionId => null;
}
