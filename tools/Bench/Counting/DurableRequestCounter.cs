using Azure.Core;

namespace Bench.Counting;

/// <summary>One storage request of the durable runtime (the task hub's tables, queues and blobs).</summary>
/// <param name="Kind">e.g. "queue send", "queue receive", "queue idle receive", "History batch", "Instances write", "partition lease".</param>
/// <param name="IsBackground">Work that recurs with time whatever the transactions do: queue receives that find nothing, partition lease renewals.</param>
public sealed record DurableRequest(string Kind, bool IsBackground)
{
    public bool IsWrite => !IsBackground && !Kind.Contains("read", StringComparison.Ordinal) && !Kind.Contains("receive", StringComparison.Ordinal);

    /// <summary>A table query with no condition on the partition key (e.g. the Instances table filtered by status or creation time): it reads every partition.</summary>
    public bool FullScan { get; init; }

    /// <summary>For a table read: the entities it returned.</summary>
    public int RowsRead { get; init; }
}

/// <summary>
/// Counts the durable runtime's storage requests (added through <c>DurableStorageInstrumentation</c>), by service and
/// kind, telling apart the background ones (idle polls, partition leases) that cost per minute, not per transaction.
/// </summary>
public sealed class DurableRequestCounter(int blobPort, int queuePort) : RecordingPolicy<DurableRequest>
{
    private static readonly string[] Tables = ["History", "Instances", "Partitions"];

    protected override DurableRequest Classify(HttpMessage message, string? batchBody)
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

        if (batchBody is not null)
        {
            // The task hub table the entity-group transaction writes.
            var batchTable = Tables.FirstOrDefault(t => batchBody.Contains(t + "(", StringComparison.Ordinal) || batchBody.Contains(t + " ", StringComparison.Ordinal)) ?? "table";
            return new DurableRequest($"{batchTable} batch", false);
        }

        // Azurite's path style: /<account>/<hub><Table>[(keys)].
        var segments = Uri.UnescapeDataString(uri.AbsolutePath).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var resource = segments.Length > 1 ? segments[1].Split('(')[0] : string.Empty;
        var table = Tables.FirstOrDefault(t => resource.EndsWith(t, StringComparison.Ordinal)) ?? "table";
        if (table == "Partitions")
        {
            // The table partition manager's lease reads and renewals.
            return new DurableRequest("partition lease", true);
        }

        return new DurableRequest(method switch { "GET" => $"{table} read", "POST" => $"{table} insert", _ => $"{table} write" }, false)
        {
            FullScan = method == "GET" && table != "table" && !segments[1].Contains("PartitionKey=", StringComparison.Ordinal) && TableReads.IsFullScan(uri),
            RowsRead = TableReads.Returned(message),
        };
    }
}
