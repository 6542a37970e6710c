using FunctionApp.Telemetry;
using Transactions.Orchestration;
using Transactions.Tracking;

namespace FunctionApp.Tracking;

/// <summary>The tracking orchestration's reports as logs and metrics.</summary>
public sealed partial class TrackingObserver(AppMetrics metrics, ILogger<TrackingObserver> logger) : ITrackingObserver
{
    public void Ignored(string transactionId, TrackerTrigger trigger, TrackerIgnoreReason reason) => Log.TrackerEventIgnored(logger, transactionId, trigger, reason);

    public void ForeignSmallcaseAuthId(string transactionId, TrackerTrigger trigger)
    {
        metrics.ForeignSmallcaseAuthId(trigger.ToString());
        Log.ForeignSmallcaseAuthId(logger, transactionId, trigger);
    }

    public void Changed(string transactionId, TrackerPhase from, TrackerDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        metrics.TrackerTransition(from.ToString(), decision.State.Phase.ToString());
        foreach (var conflict in decision.Conflicts)
        {
            Log.OrderSnapshotConflict(logger, transactionId, conflict.Ticker, conflict.KeptStatus.Value, conflict.IgnoredStatus.Value);
        }
    }

    public void ReadFailed(string transactionId, PollTarget target, string reason) => Log.GatewayReadDidNotRun(logger, transactionId, target, reason);
}
