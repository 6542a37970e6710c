using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Transactions.Orchestration;
using Transactions.Tracking;

namespace FunctionApp.Tracking;

/// <summary>The tracking orchestration (one instance per transaction, id = transactionId) and its activities.</summary>
public sealed class TrackingFunctions(TrackerTimings timings, MarketCalendar calendar, ITrackingObserver observer, TrackingActivities activities)
{
    [Function(TrackingOrchestration.Name)]
    public Task<TrackerOutcomeKind> TrackTransaction([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<TrackingInput>() ?? throw new InvalidOperationException($"Orchestration {context.InstanceId} has no input.");
        return new TrackingOrchestration(timings, calendar, observer).RunAsync(context, input);
    }

    [Function(TrackingOrchestration.ReadGatewayActivity)]
    public Task<GatewayReadResult> ReadGateway([ActivityTrigger] GatewayReadRequest request, CancellationToken cancellationToken) =>
        activities.ReadGatewayAsync(request, cancellationToken);

    [Function(TrackingOrchestration.RecordChangeActivity)]
    public async Task<bool> RecordTrackerChange([ActivityTrigger] TrackerChange change, CancellationToken cancellationToken)
    {
        await activities.RecordChangeAsync(change, cancellationToken);
        return true;
    }
}
