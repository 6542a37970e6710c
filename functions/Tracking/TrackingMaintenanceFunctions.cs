using FunctionApp.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Transactions.Storage;

namespace FunctionApp.Tracking;

/// <summary>
/// Keeps the task hub healthy: purges the history of finished trackings after <see cref="TrackingMaintenance.PurgeAfter"/>
/// (the transaction rows keep what the platform shows), and counts trackings still running past
/// <see cref="TrackingMaintenance.StuckAfter"/> (metric <c>tracker.stuck</c>, and a warning naming a few of them), with the
/// messages consumers gave up on in the outcomes poison queue (metric <c>outcomes.poison</c>).
/// </summary>
public sealed partial class TrackingMaintenanceFunctions(
    TrackingMaintenance settings,
    AppMetrics metrics,
    DurableRuntimeClock runtime,
    StorageQueues queues,
    OutcomeLogStore log,
    TimeProvider clock,
    ILogger<TrackingMaintenanceFunctions> logger)
{
    /// <summary>How long one purge may run; what is left is purged by the next run.</summary>
    public static readonly TimeSpan PurgeTimeLimit = TimeSpan.FromMinutes(2);

    private const string PurgeWalk = "purge";

    private const int StuckNamed = 5;

    /// <summary>
    /// Purges the history of the trackings whose transaction's outcome was logged on the days that have since passed
    /// <see cref="TrackingMaintenance.PurgeAfter"/>: the outcome log is the index of finished transactions by day, so
    /// this reads one day's partition at a time and never scans the task hub's instances. A tracking that failed has
    /// no outcome and stays for inspection.
    /// </summary>
    [Function("PurgeFinishedTracking")]
    public async Task PurgeAsync([TimerTrigger("0 17 2 * * *")] TimerInfo timer, [DurableClient] DurableTaskClient tracking, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracking);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(PurgeTimeLimit);
        var purged = 0;
        var complete = true;
        try
        {
            await log.WalkFinishedDaysAsync(PurgeWalk, clock.GetUtcNow() - settings.PurgeAfter, async (transactionIds, ct) =>
            {
                foreach (var transactionId in transactionIds)
                {
                    purged += (await tracking.PurgeInstanceAsync(transactionId, cancellation: ct)).PurgedInstanceCount;
                }
            }, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            complete = false;
        }

        Log.TrackingPurged(logger, purged, settings.PurgeAfter, complete);
    }

    [Function("CountStuckTracking")]
    public async Task CountStuckAsync([TimerTrigger("0 */15 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient tracking, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracking);
        var query = new OrchestrationQuery(
            CreatedTo: runtime.Time.GetUtcNow() - settings.StuckAfter,
            Statuses: [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Suspended]);
        var stuck = new List<string>();
        await foreach (var instance in tracking.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            stuck.Add(instance.InstanceId);
        }

        metrics.StuckTrackings(stuck.Count);
        var poison = await queues.Queue(QueueNames.TransactionOutcomesPoison).GetPropertiesAsync(cancellationToken);
        metrics.PoisonOutcomes(poison.Value.ApproximateMessagesCount);
        if (stuck.Count > 0)
        {
            Log.TrackingStuck(logger, stuck.Count, settings.StuckAfter, string.Join(", ", stuck.Take(StuckNamed)));
        }
    }
}

/// <summary>
/// The clock of the Durable runtime's own timestamps (when an instance was created): the system clock, also when the
/// app runs in a simulated market's time.
/// </summary>
public sealed record DurableRuntimeClock(TimeProvider Time);

/// <summary>
/// <c>Tracker:PurgeAfter</c> (default 30 days) and <c>Tracker:StuckAfter</c> (default 5 days: an AMO order placed before
/// a long weekend waits for the next session, so a tracking may rightly live several days).
/// </summary>
/// <param name="KeepFinishedFor">How long a finished transaction's records and outcome events are kept (and replay reaches back).</param>
public sealed record TrackingMaintenance(TimeSpan PurgeAfter, TimeSpan StuckAfter, TimeSpan KeepFinishedFor)
{
    public static TrackingMaintenance FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(TrackerConfiguration.Section);
        var settings = new TrackingMaintenance(
            section.GetValue(nameof(PurgeAfter), TimeSpan.FromDays(30)),
            section.GetValue(nameof(StuckAfter), TimeSpan.FromDays(5)),
            section.GetValue(nameof(KeepFinishedFor), TimeSpan.FromDays(90)));
        return settings.PurgeAfter > TimeSpan.Zero && settings.StuckAfter > TimeSpan.Zero && settings.KeepFinishedFor >= TimeSpan.FromDays(1)
            ? settings
            : throw new InvalidOperationException(
                $"{TrackerConfiguration.Section}__PurgeAfter and __StuckAfter must be positive time spans, and __KeepFinishedFor at least a day.");
    }
}
