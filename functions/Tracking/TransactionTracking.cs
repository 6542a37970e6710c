using Grpc.Core;
using Microsoft.DurableTask;
using FunctionApp.Webhooks;
using Microsoft.DurableTask.Client;
using Transactions.Orchestration;
using Transactions.Tracking;

namespace FunctionApp.Tracking;

/// <summary>
/// Starts a transaction's tracking orchestration and hands it signals. Raising a signal is one storage write (a
/// message to the orchestration), so a webhook is acknowledged once it is durably handed over.
/// </summary>
/// <remarks>
/// The Durable Task client is the invocation's (a <c>[DurableClient]</c> binding under the Functions host).
/// </remarks>
public sealed class TransactionTracking(HandedOverHits handedOver, TimeProvider clock)
{
    /// <summary>
    /// Starts tracking a transaction the Gateway has just created. An instance that exists in any state is kept: a
    /// retried start of the same transaction does nothing, and a finished one is never started again.
    /// </summary>
    public async Task StartAsync(DurableTaskClient client, TrackedTransaction initial, string? traceParent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(initial);

        // Zero unless the app runs in a simulated market's time (see TrackingInput.AppClockOffset).
        var offset = TimeSpan.FromMilliseconds(Math.Round((clock.GetUtcNow() - TimeProvider.System.GetUtcNow()).TotalMilliseconds));
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                TrackingOrchestration.Name,
                new TrackingInput(initial, offset, traceParent),
                new StartOrchestrationOptions(initial.TransactionId).WithDedupeStatuses([.. StartOrchestrationOptionsExtensions.ValidDedupeStatuses]),
                cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
        {
            // Started by an earlier attempt of the same create.
        }
    }

    /// <summary>
    /// Raises the signal unless this instance has already handed over the hit with the same <paramref name="dedupeKey"/>
    /// (a redelivery of the same bytes). A signal raised twice is harmless anyway: it only prompts a read.
    /// </summary>
    /// <returns>False when it had been handed over before (nothing was written).</returns>
    public async Task<bool> SignalOnceAsync(DurableTaskClient client, string transactionId, TrackerSignal signal, string dedupeKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (handedOver.Contains(dedupeKey))
        {
            return false;
        }

        await client.RaiseEventAsync(transactionId, TrackingOrchestration.SignalEvent, signal, cancellationToken);
        handedOver.Add(dedupeKey);
        return true;
    }

    /// <summary>The dedupe key of a hit: the SHA-256 of its bytes as received.</summary>
    public static string DedupeKey(ReadOnlySpan<byte> hit) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(hit));
}
