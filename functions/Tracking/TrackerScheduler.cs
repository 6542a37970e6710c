using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp.Tracking;

/// <summary>Durable timers as queue messages with a visibility delay computed from an absolute due time.</summary>
public sealed class TrackerScheduler(StorageQueues queues)
{
    public Task ScheduleAsync(TrackedTransaction state, TrackerAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return action.Kind == TrackerActionKind.Wake
            ? SendAsync(new TrackerTimerMessage(state.TransactionId, state.Version, action.At), cancellationToken)
            : Task.CompletedTask;
    }

    /// <summary>Sends the timer; when its due time is beyond the 7-day limit it arrives early and is sent again.</summary>
    public Task SendAsync(TrackerTimerMessage timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return queues.SendAsync(QueueNames.TrackerTimers, TrackerMessageJson.Serialize(timer), timer.DueAt, cancellationToken);
    }
}
