using System.Diagnostics;
using System.Text.RegularExpressions;
using Azure.Core;

namespace Bench.Counting;

/// <summary>One storage request as the app's table or queue client sent it (each retry attempt is its own request).</summary>
/// <param name="Service">"table" or "queue".</param>
/// <param name="Resource">The table or queue name without the app's name prefix ("Tables" for table management).</param>
/// <param name="Kind">What the request does, e.g. "point read", "insert", "replace (ETag)", "send", "receive".</param>
/// <param name="Messages">For a queue receive: how many messages it returned.</param>
/// <param name="Scan">A table query across partitions: the outbox sweep, not work for one transaction.</param>
/// <param name="WritesTransactionRow">It writes a transaction's state row (row key "tx"), alone or in an entity-group transaction.</param>
public sealed record StorageRequest(long Timestamp, string Method, string Service, string Resource, string Kind, int Status, int Messages, bool Scan, bool WritesTransactionRow)
{
    public bool IsWrite => Service == "table" ? Method != "GET" : Kind is "send" or "delete message" or "update message";

    /// <summary>A receive that found nothing: the queue listener's idle polling, which costs per second, not per transaction.</summary>
    public bool IsIdlePoll => Kind == "receive" && Messages == 0;

    /// <summary>Work that recurs with time whatever the transactions do: idle queue polls and the outbox sweep.</summary>
    public bool IsBackground => IsIdlePoll || Scan;

    /// <summary>For a table read: the entities it returned.</summary>
    public int RowsRead { get; init; }

    /// <summary>A table query with no condition on the partition key: the service reads every partition of the table.</summary>
    public bool FullScan { get; init; }

    /// <summary>"GET Transactions point read", with the status when it was not a success.</summary>
    public string Operation => $"{Method} {Resource} {Kind}{(Status >= 300 ? $" → {Status}" : string.Empty)}";
}

/// <summary>
/// An Azure.Core pipeline policy (added through <c>StorageOptions.AdditionalPolicies</c>) that records every table and
/// queue request the app sends, classified by operation.
/// </summary>
public sealed partial class StorageRequestCounter(string namePrefix, int queuePort) : RecordingPolicy<StorageRequest>
{
    protected override StorageRequest Classify(HttpMessage message, string? batchBody)
    {
        var request = message.Request;
        var uri = request.Uri.ToUri();
        var method = request.Method.Method;
        var status = message.HasResponse ? message.Response.Status : 0;
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        var isQueue = uri.Port == queuePort;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);

        // Azurite's path style: /<account>/<table or queue>[...].
        var resourceSegment = segments.Length > 1 ? segments[1] : string.Empty;
        if (isQueue)
        {
            var queue = StripPrefix(resourceSegment);
            var kind = (method, segments.Length) switch
            {
                ("POST", 3) => "send",
                ("GET", 3) => "receive",
                ("DELETE", 4) => "delete message",
                ("PUT", 4) => "update message",
                ("PUT", 2) => "create queue",
                _ => $"{method} {string.Join('/', segments.Skip(2))}",
            };
            var received = kind == "receive" && status == 200 ? CountMessages(message) : 0;
            return new StorageRequest(Stopwatch.GetTimestamp(), method, "queue", queue, kind, status, received, Scan: false, WritesTransactionRow: false);
        }

        if (batchBody is not null)
        {
            return ClassifyBatch(batchBody, method, status);
        }

        var entity = EntityPath().Match(resourceSegment);
        var table = StripPrefix(entity.Success ? entity.Groups["table"].Value : resourceSegment);
        var ifMatch = request.Headers.TryGetValue("If-Match", out var value) ? value : null;
        var conditional = ifMatch switch
        {
            null => "unconditional",
            "*" => "If-Match *",
            _ => "ETag",
        };
        var tableKind = (method, entity.Success && entity.Groups["keys"].Length > 0) switch
        {
            ("GET", true) => "point read",
            ("GET", false) => "query",
            ("POST", false) when table == "Tables" => "create table",
            ("POST", false) => "insert",
            ("PUT", true) => ifMatch is null ? "upsert (replace)" : $"replace ({conditional})",
            ("PATCH" or "MERGE", true) => ifMatch is null ? "upsert (merge)" : $"merge ({conditional})",
            ("DELETE", true) => $"delete ({conditional})",
            _ => method.ToLowerInvariant(),
        };
        var scan = tableKind == "query" && !Uri.UnescapeDataString(uri.Query).Contains("PartitionKey eq", StringComparison.Ordinal);
        // A transaction row is the only Transactions entity written on its own (outbox rows go in batches with it).
        var writesRow = table == TransactionsTable && method != "GET" && !entity.Groups["keys"].Value.Contains("evt", StringComparison.Ordinal);
        return new StorageRequest(Stopwatch.GetTimestamp(), method, "table", table, tableKind, status, 0, scan, writesRow) 
        {
            RowsRead = TableReads.Returned(message),
            FullScan = tableKind == "query" && TableReads.IsFullScan(uri),
        };
    }

    /// <summary>
    /// An entity-group transaction: one request whose multipart body holds the operations, all on one partition of one
    /// table. Its kind lists them, e.g. "entity-group transaction: replace ×1, insert ×3".
    /// </summary>
    private StorageRequest ClassifyBatch(string body, string method, int status)
    {
        var operations = BatchOperation().Matches(body);
        var table = operations.Count > 0 ? StripPrefix(operations[0].Groups["table"].Value) : "?";
        var kinds = operations
            .Select(op => (op.Groups["verb"].Value, op.Groups["keys"].Success) switch
            {
                ("POST", _) => "insert",
                ("PUT", _) => "replace",
                ("PATCH" or "MERGE", _) => "merge",
                ("DELETE", _) => "delete",
                var (verb, _) => verb.ToLowerInvariant(),
            })
            .GroupBy(kind => kind)
            .Select(group => $"{group.Key} ×{group.Count()}");
        var writesRow = table == TransactionsTable && operations.Any(op => op.Groups["keys"].Value.Contains("RowKey='tx'", StringComparison.Ordinal));
        return new StorageRequest(
            Stopwatch.GetTimestamp(), method, "table", table, $"entity-group transaction: {string.Join(", ", kinds)}", status, 0, Scan: false, writesRow);
    }

    private const string TransactionsTable = "Transactions";

    private string StripPrefix(string name) =>
        namePrefix.Length > 0 && name.StartsWith(namePrefix, StringComparison.Ordinal) ? name[namePrefix.Length..] : name;

    private static int CountMessages(HttpMessage message)
    {
        var content = message.Response.Content.ToString();
        return QueueMessageElement().Count(content);
    }

    [GeneratedRegex(@"^(?<table>[A-Za-z0-9]+)\((?<keys>.*)\)$")]
    private static partial Regex EntityPath();

    [GeneratedRegex(@"^(?<verb>POST|PUT|PATCH|MERGE|DELETE) \S*?/(?<table>[A-Za-z0-9]+)(\((?<keys>[^)]*)\))?(\?\S*)? HTTP/1\.1", RegexOptions.Multiline)]
    private static partial Regex BatchOperation();

    [GeneratedRegex("<QueueMessage>")]
    private static partial Regex QueueMessageElement();
}
