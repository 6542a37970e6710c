using Gateway.Client.Transactions;
using Gateway.Client.Webhooks;
using Transactions.Tracking;

namespace Transactions.Orchestration;

public enum TrackerSignalSource
{
    Webhook,
    SdkResult,
}

/// <summary>
/// The external event a verified webhook or SDK result raises on its transaction's orchestration
/// (<see cref="TrackingOrchestration.SignalEvent"/>). It is a prompt to read the Gateway: it carries only what the
/// tracker may use of it — the smallcaseAuthId a webhook claims (to report a foreign one) and the one the host verified
/// from the SDK's <c>smallcaseAuthToken</c> — never the orders.
/// </summary>
/// <param name="ClaimedSmallcaseAuthId">What a webhook's body says; unconfirmed, only compared.</param>
/// <param name="VerifiedSmallcaseAuthId">From an SDK result's JWT, after the host verified its signature.</param>
/// <param name="SdkError">The error an SDK flow ended with, for the timeline.</param>
/// <param name="TraceParent">The W3C trace context of the hand-over, for the reads and changes the signal prompts.</param>
public sealed record TrackerSignal(
    TrackerSignalSource Source,
    string? ClaimedSmallcaseAuthId = null,
    string? VerifiedSmallcaseAuthId = null,
    TransactionError? SdkError = null,
    string? TraceParent = null)
{
    public static TrackerSignal FromWebhook(GatewayWebhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return new TrackerSignal(TrackerSignalSource.Webhook, ClaimedSmallcaseAuthId: webhook.SmallcaseAuthId);
    }

    public TrackerEvent ToEvent() => Source switch
    {
        TrackerSignalSource.Webhook => new WebhookReceived(new GatewayWebhook { SmallcaseAuthId = ClaimedSmallcaseAuthId }),
        TrackerSignalSource.SdkResult => new SdkResultReceived(Result: null, VerifiedSmallcaseAuthId, SdkError),
        _ => throw new InvalidOperationException($"Unknown signal source {Source}."),
    };
}
