using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Transactions.Orchestration;
using Transactions.Tracking;

namespace FunctionApp.Tracking;

/// <summary>
/// Starts a transaction's tracking orchestration and hands it signals. Raising a signal is one storage write (a
/// message to the orchestration), so a webhook is acknowledged once it is durably handed over.
/// </summary>
public sealed class TransactionTracking(DurableTaskClient client, TimeProvider clock)
{
    /// <summary>
    /// Starts tracking a transaction the Gateway has just created. An instance that exists in any state is kept: a
    /// retried start of the same transaction does nothing, and a finished one is never started again.
    /// </summary>
    public async Task StartAsync(TrackedTransaction initial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(initial);

        // Zero unless the app runs in a simulated market's time (see TrackingInput.AppClockOffset).
        var offset = TimeSpan.FromMilliseconds(Math.Round((clock.GetUtcNow() - TimeProvider.System.GetUtcNow()).TotalMilliseconds));
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                TrackingOrchestration.Name,
                new TrackingInput(initial, offset),
                new StartOrchestrationOptions(initial.TransactionId).WithDedupeStatuses([.. StartOrchestrationOptionsExtensions.ValidDedupeStatuses]),
                cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
        {
            // Started by an earlier attempt of the same create.
        }
    }

    public Task SignalAsync(string transactionId, TrackerSignal signal, CancellationToken cancellationToken) =>
        client.RaiseEventAsync(transactionId, TrackingOrchestration.SignalEvent, signal, cancellationToken);
}
