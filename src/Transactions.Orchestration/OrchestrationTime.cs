using Microsoft.DurableTask;

namespace Transactions.Orchestration;

/// <summary>
/// The orchestration's replay-safe clock, shifted into the app's time (see <see cref="TrackingInput.AppClockOffset"/>),
/// as a <see cref="TimeProvider"/>, so the tracking engine runs unchanged inside the orchestration.
/// </summary>
/// <remarks>
/// A durable timer can be delivered a little before its fire time (queue visibility delays are whole seconds), and the
/// orchestration's clock is when the episode started: so once a timer has fired, "now" is at least its fire time, or
/// the engine would find its wake-up not yet due and ask for the same timer again.
/// </remarks>
internal sealed class OrchestrationTime(TaskOrchestrationContext context, TimeSpan appClockOffset) : TimeProvider
{
    private DateTimeOffset _firedAt = DateTimeOffset.MinValue;

    public override DateTimeOffset GetUtcNow()
    {
        var now = new DateTimeOffset(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc)) + appClockOffset;
        return now > _firedAt ? now : _firedAt;
    }

    /// <summary>A timer set for <paramref name="appTime"/> has fired.</summary>
    public void TimerFired(DateTimeOffset appTime) => _firedAt = appTime > _firedAt ? appTime : _firedAt;

    /// <summary>The orchestration's own time of an instant of the app's time, for durable timers.</summary>
    public DateTime ToOrchestrationTime(DateTimeOffset appTime) => (appTime - appClockOffset).UtcDateTime;
}
