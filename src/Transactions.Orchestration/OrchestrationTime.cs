using Microsoft.DurableTask;

namespace Transactions.Orchestration;

/// <summary>
/// The orchestration's replay-safe clock, shifted into the app's time (see <see cref="TrackingInput.AppClockOffset"/>),
/// as a <see cref="TimeProvider"/>, so the tracking engine runs unchanged inside the orchestration.
/// </summary>
internal sealed class OrchestrationTime(TaskOrchestrationContext context, TimeSpan appClockOffset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc)) + appClockOffset;

    /// <summary>The orchestration's own time of an instant of the app's time, for durable timers.</summary>
    public DateTime ToOrchestrationTime(DateTimeOffset appTime) => (appTime - appClockOffset).UtcDateTime;
}
