using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FunctionApp.Telemetry;

/// <summary>The app's own metrics; exported with the ASP.NET Core and HttpClient ones.</summary>
public sealed class AppMetrics
{
    public const string MeterName = "SmallcaseGateway.Functions";

    private readonly Counter<long> webhooks;
    private readonly Counter<long> transitions;
    private readonly Gauge<long> stuck;
    private readonly Counter<long> foreignAuthIds;
    private readonly Histogram<double> gatewayLatency;
    private readonly Histogram<double> webhookLag;
    private readonly Histogram<double> publishDelay;
    private readonly Counter<long> resent;
    private readonly Gauge<long> poison;

    public AppMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        webhooks = meter.CreateCounter<long>("gateway.webhooks", description: "Gateway webhooks received, by result (accepted, duplicate, or the rejection reason).");
        transitions = meter.CreateCounter<long>("tracker.transitions", description: "Tracker state transitions, by from and to phase.");
        stuck = meter.CreateGauge<long>("tracker.stuck", description: "Trackings still running past Tracker:StuckAfter, as last counted.");
        foreignAuthIds = meter.CreateCounter<long>("tracker.signals.foreign_auth_id", description: "Webhooks and SDK results naming a smallcaseAuthId other than the one the Gateway confirmed for their transaction, by trigger.");
        gatewayLatency = meter.CreateHistogram<double>("gateway.call.duration", unit: "ms", description: "Gateway API call latency, by operation and outcome.");
        webhookLag = meter.CreateHistogram<double>("gateway.webhook.lag", unit: "ms", description: "From a webhook's signed Gateway timestamp to its acknowledgement, for accepted webhooks.");
        publishDelay = meter.CreateHistogram<double>("outcomes.publish.delay", unit: "ms", description: "From recording a change's outcome events to sending them on the outcomes queue.");
        resent = meter.CreateCounter<long>("outcomes.resent", description: "Outcome events the outbox sweep had to send because their own publication did not get through.");
        poison = meter.CreateGauge<long>("outcomes.poison", description: "Messages in the outcomes poison queue (consumers that gave up on a message), as last counted.");
    }

    public void WebhookReceived(string result) => webhooks.Add(1, new KeyValuePair<string, object?>("result", result));

    public void TrackerTransition(string from, string to) =>
        transitions.Add(1, new KeyValuePair<string, object?>("from", from), new KeyValuePair<string, object?>("to", to));

    public void StuckTrackings(long count) => stuck.Record(count);

    public void ForeignSmallcaseAuthId(string trigger) => foreignAuthIds.Add(1, new KeyValuePair<string, object?>("trigger", trigger));

    public void GatewayCall(string operation, string outcome, TimeSpan duration) =>
        gatewayLatency.Record(duration.TotalMilliseconds, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));

    public void WebhookLag(TimeSpan lag) => webhookLag.Record(lag.TotalMilliseconds);

    public void OutcomesPublished(TimeSpan delay) => publishDelay.Record(delay.TotalMilliseconds);

    public void OutcomesResent(int events) => resent.Add(events);

    public void PoisonOutcomes(long count) => poison.Record(count);

    public static readonly ActivitySource ActivitySource = new(MeterName);
}
