using Azure.Core.Pipeline;

namespace LocalHost.Durable;

/// <summary>
/// Pipeline policies for the task hub's own storage clients (its tables, queues and blobs), when registered: the bench
/// counts the durable runtime's requests with one. Without it the runtime's clients are built as Durable Task builds them.
/// </summary>
public sealed class DurableStorageInstrumentation(IReadOnlyList<HttpPipelinePolicy> policies)
{
    public IReadOnlyList<HttpPipelinePolicy> Policies => policies;
}
