using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Bench.Counting;

/// <summary>One storage request of the durable runtime (the task hub's tables, queues and blobs).</summary>
/// <param name="Kind">e.g. "queue send", "queue receive", "queue idle receive", "table batch", "blob lease".</param>
/// <param name="IsBackground">Work that recurs with time whatever the transactions do: queue receives that find nothing, partition lease renewals.</param>
public sealed record DurableRequest(string Kind, bool IsBackground);

/// <summary>
/// Counts the durable runtime's storage requests (added through <c>DurableStorageInstrumentation</c>), by service and
/// kind, telling apart the background ones (idle polls, leases) that cost per minute, not per transaction.
/// </summary>
public sealed class DurableRequestCounter(int blobPort, int queuePort) : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<DurableRequest> requests = new();

    public int Count => requests.Count;

    public IReadOnlyList<DurableRequest> Since(int mark) => [.. requests.Skip(mark)];

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        requests.Enqueue(Classify(message));
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        requests.Enqueue(Classify(message));
    }

    private DurableRequest Classify(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        var method = message.Request.Method.Method;
        if (uri.Port == blobPort)
        {
            var lease = uri.Query.Contains("comp=lease", StringComparison.Ordinal);
            return new DurableRequest(lease ? "blob lease" : $"blob {method}", lease);
        }

        if (uri.Port == queuePort)
        {
            if (uri.AbsolutePath.EndsWith("/messages", StringComparison.Ordinal) && method == "GET")
            {
                // A receive that returned no message is an idle poll.
                var found = message.HasResponse && message.Response.Content.ToString().Contains("<MessageId>", StringComparison.Ordinal);
                return found ? new DurableRequest("queue receive", false) : new DurableRequest("queue idle receive", true);
            }

            return new DurableRequest(method switch { "POST" => "queue send", "DELETE" => "queue delete", "PUT" => "queue update", _ => $"queue {method}" }, false);
        }

        var kind = method switch
        {
            "GET" => "table read or query",
            "POST" when uri.AbsolutePath.EndsWith("/$batch", StringComparison.Ordinal) => "table batch",
            "POST" => "table insert",
            _ => "table write",
        };
        return new DurableRequest(kind, false);
    }
}
