using System.Diagnostics;

namespace FunctionApp.Telemetry;

/// <summary>
/// One trace per transaction: the create request's W3C trace context is stored with the transaction, and every later
/// step — a webhook or SDK result handed over, a Gateway read, a recorded change and its outcome events — is a span of
/// that trace. The context travels in the tracking orchestration's input, signals and activity inputs (Durable Task
/// does not carry it across a raised event); a step that runs inside another request (a webhook's) links to it.
/// </summary>
public static class TransactionTrace
{
    /// <summary>A span of the trace <paramref name="traceParent"/> names, linked to the current activity; a child of the current one when there is no stored trace.</summary>
    /// <returns>Null when nothing listens (tracing off).</returns>
    public static Activity? Start(string name, string? traceParent)
    {
        if (!ActivityContext.TryParse(traceParent, null, out var parent))
        {
            return AppMetrics.ActivitySource.StartActivity(name, ActivityKind.Internal);
        }

        ActivityLink[]? links = Activity.Current is { } current && current.TraceId != parent.TraceId ? [new ActivityLink(current.Context)] : null;
        return AppMetrics.ActivitySource.StartActivity(name, ActivityKind.Internal, parent, links: links);
    }

    /// <summary>The current span's W3C <c>traceparent</c>; null without a W3C span.</summary>
    public static string? Current => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
}
