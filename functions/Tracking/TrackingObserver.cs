using FunctionApp.Telemetry;
using Transactions.Orchestration;
using Transactions.Tracking;

namespace FunctionApp.Tracking;

/// <summary>The tracking orchestration's reports as logs and metrics.</summary>
public sealed partial class TrackingObserver(AppMetrics metrics, ILogger<TrackingObserver> logger) : ITrackingObserver
{
    public void Ignored(string transactionId, TrackerTrigger trigger, TrackerIgnoreReason reason) => LogIgnored(logger, transactionId, trigger, reason);

    public void ForeignSmallcaseAuthId(string transactionId, TrackerTrigger trigger)
    {
        metrics.ForeignSmallcaseAuthId(trigger.ToString());
        LogForeignSmallcaseAuthId(logger, transactionId, trigger);
    }

    public void Changed(string transactionId, TrackerPhase from, TrackerDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        metrics.TrackerTransition(from.ToString(), decision.State.Phase.ToString());
        foreach (var conflict in decision.Conflicts)
        {
            LogConflict(logger, transactionId, conflict.Ticker, conflict.KeptStatus.Value, conflict.IgnoredStatus.Value);
        }
    }

    public void ReadFailed(string transactionId, PollTarget target, string reason) => LogReadDidNotRun(logger, transactionId, target, reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Tracker event {Trigger} for {TransactionId} ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string transactionId, TrackerTrigger trigger, TrackerIgnoreReason reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Order snapshot for {TransactionId} contradicted final data of {Ticker}: kept {Kept}, ignored {Ignored}")]
    private static partial void LogConflict(ILogger logger, string transactionId, string ticker, string kept, string ignored);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Gateway read {Target} for {TransactionId} did not run: {Reason}; backing off")]
    private static partial void LogReadDidNotRun(ILogger logger, string transactionId, PollTarget target, string reason);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "{Trigger} for {TransactionId} named a smallcaseAuthId other than the one the Gateway confirmed; used only as a prompt to read the Gateway")]
    private static partial void LogForeignSmallcaseAuthId(ILogger logger, string transactionId, TrackerTrigger trigger);
}
