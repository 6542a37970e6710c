using Transactions.Tracking;

namespace Transactions.Orchestration;

/// <summary>
/// What the orchestration reports as it goes (logs and metrics in the host). Called once per decision, never while
/// the orchestration replays its history.
/// </summary>
public interface ITrackingObserver
{
    void Ignored(string transactionId, TrackerTrigger trigger, TrackerIgnoreReason reason);

    void ForeignSmallcaseAuthId(string transactionId, TrackerTrigger trigger);

    void Changed(string transactionId, TrackerPhase from, TrackerDecision decision);

    void ReadFailed(string transactionId, PollTarget target, string reason);
}
