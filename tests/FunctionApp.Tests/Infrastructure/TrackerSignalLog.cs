using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Transactions.Orchestration;

namespace FunctionApp.Tests.Infrastructure;

/// <summary>A signal the app raised on a transaction's tracking orchestration (it is durably handed over once raised).</summary>
public sealed record RaisedSignal(string TransactionId, TrackerSignal Signal);

/// <summary>
/// The app's Durable Task client with a record of every tracker signal it raised successfully: a hit is handed over
/// exactly when such a raise succeeds, whether or not the orchestration has processed it since.
/// </summary>
public sealed class TrackerSignalLog(DurableTaskClient inner) : DurableTaskClient(inner.Name)
{
    private readonly ConcurrentQueue<RaisedSignal> raised = new();

    /// <summary>The signals raised for <paramref name="transactionId"/>, in the order they were raised.</summary>
    public IReadOnlyList<RaisedSignal> For(string transactionId) => [.. raised.Where(s => s.TransactionId == transactionId)];

    public override async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        await inner.RaiseEventAsync(instanceId, eventName, eventPayload, cancellation);
        if (eventPayload is TrackerSignal signal)
        {
            raised.Enqueue(new RaisedSignal(instanceId, signal));
        }
    }

    public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default) =>
        inner.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, options, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.WaitForInstanceStartAsync(instanceId, getInputsAndOutputs, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs, cancellation);

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        inner.SuspendInstanceAsync(instanceId, reason, cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        inner.ResumeInstanceAsync(instanceId, reason, cancellation);

    public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation);

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => inner.GetAllInstancesAsync(filter);

    public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
        inner.PurgeInstanceAsync(instanceId, options, cancellation);

    public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
        inner.PurgeAllInstancesAsync(filter, options, cancellation);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
