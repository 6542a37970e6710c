using FunctionApp.Hosting;
using Transactions.Storage;

namespace FunctionApp.Tracking;

/// <summary><c>tracker-events</c>: a webhook hit or SDK result for a transaction.</summary>
public sealed partial class TrackerEventsFunction(TransactionTracker tracker, ILogger<TrackerEventsFunction> logger) : IQueueFunctionHandler
{
    public Task HandleAsync(QueueInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (TrackerMessageJson.TryDeserialize<TrackerSignalMessage>(invocation.MessageText) is not { TransactionId.Length: > 0, SignalKey.Length: > 0, Kind.Length: > 0 } message)
        {
            LogMalformed(logger, invocation.MessageId);
            return Task.CompletedTask;
        }

        return tracker.ApplySignalAsync(message, cancellationToken);
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Error, Message = "Malformed tracker event message {MessageId} dropped")]
    private static partial void LogMalformed(ILogger logger, string? messageId);
}

/// <summary><c>tracker-timers</c>: a tracker timer came due.</summary>
public sealed partial class TrackerTimersFunction(TransactionTracker tracker, ILogger<TrackerTimersFunction> logger) : IQueueFunctionHandler
{
    public Task HandleAsync(QueueInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (TrackerMessageJson.TryDeserialize<TrackerTimerMessage>(invocation.MessageText) is not { TransactionId.Length: > 0 } timer)
        {
            LogMalformed(logger, invocation.MessageId);
            return Task.CompletedTask;
        }

        return tracker.FireTimerAsync(timer, cancellationToken);
    }

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "Malformed tracker timer message {MessageId} dropped")]
    private static partial void LogMalformed(ILogger logger, string? messageId);
}

/// <summary>
/// Every minute: re-arms transactions whose timer is overdue (a lost or poisoned timer message, or a process that died
/// before running a wake-up that was already due) and sends outbox events that were saved but not sent. Re-arming is
/// safe because a timer for an old version is a no-op. A transaction with unsent events may also have died before its
/// user index row was updated, so that row is brought up to date too.
/// </summary>
public sealed partial class TrackerReconcilerFunction(
    TransactionStore transactions,
    TrackerScheduler scheduler,
    OutcomePublisher publisher,
    TimeProvider clock,
    ILogger<TrackerReconcilerFunction> logger) : ITimerFunctionHandler
{
    public const string Schedule = "0 */1 * * * *";

    /// <summary>How late a timer, or how old an unsent outbox event, may be before it counts as lost (queue delivery is not to the second).</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromMinutes(2);

    private const int BatchSize = 200;

    public async Task HandleAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var overdue = await transactions.ListDueAsync(now - LostAfter, BatchSize, cancellationToken);
        foreach (var due in overdue)
        {
            await scheduler.SendAsync(new TrackerTimerMessage(due.TransactionId, due.Version, now), cancellationToken);
        }

        var republished = await publisher.RepublishPendingAsync(BatchSize, now - LostAfter, cancellationToken);
        foreach (var transactionId in republished)
        {
            if (await transactions.GetAsync(transactionId, cancellationToken) is { } stored)
            {
                await transactions.SyncIndexAsync(stored.Record, cancellationToken);
            }
        }

        if (overdue.Count > 0 || republished.Count > 0)
        {
            LogReconciled(logger, overdue.Count, republished.Count);
        }
    }

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Reconciler re-armed {Rearmed} overdue transactions and re-sent the outbox events of {Republished}")]
    private static partial void LogReconciled(ILogger logger, int rearmed, int republished);
}
