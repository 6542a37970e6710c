using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Bench.Counting;

/// <summary>One storage request as the app's table or queue client sent it (each retry attempt is its own request).</summary>
/// <param name="Service">"table" or "queue".</param>
/// <param name="Resource">The table or queue name without the app's name prefix ("Tables" for table management).</param>
/// <param name="Kind">What the request does, e.g. "point read", "insert", "replace (ETag)", "send", "receive".</param>
/// <param name="Messages">For a queue receive: how many messages it returned.</param>
/// <param name="Scan">A table query across partitions: the reconciler's periodic sweeps, not work for one transaction.</param>
public sealed record StorageRequest(long Timestamp, string Method, string Service, string Resource, string Kind, int Status, int Messages, bool Scan)
{
    public bool IsWrite => Service == "table" ? Method != "GET" : Kind is "send" or "delete message" or "update message";

    /// <summary>A receive that found nothing: the queue listener's idle polling, which costs per second, not per transaction.</summary>
    public bool IsIdlePoll => Kind == "receive" && Messages == 0;

    /// <summary>Work that recurs with time whatever the transactions do: idle queue polls and the reconciler's sweeps.</summary>
    public bool IsBackground => IsIdlePoll || Scan;

    /// <summary>"GET Transactions point read", with the status when it was not a success.</summary>
    public string Operation => $"{Method} {Resource} {Kind}{(Status >= 300 ? $" → {Status}" : string.Empty)}";
}

/// <summary>
/// An Azure.Core pipeline policy (added through <c>StorageOptions.AdditionalPolicies</c>) that records every table and
/// queue request the app sends, classified by operation.
/// </summary>
public sealed partial class StorageRequestCounter(string namePrefix, int queuePort) : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<StorageRequest> requests = new();

    public int Count => requests.Count;

    /// <summary>Requests recorded after <paramref name="mark"/> (a value of <see cref="Count"/> taken earlier).</summary>
    public IReadOnlyList<StorageRequest> Since(int mark) => [.. requests.Skip(mark)];

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

    private StorageRequest Classify(HttpMessage message)
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
            return new StorageRequest(Stopwatch.GetTimestamp(), method, "queue", queue, kind, status, received, Scan: false);
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
        return new StorageRequest(Stopwatch.GetTimestamp(), method, "table", table, tableKind, status, 0, scan);
    }

    private string StripPrefix(string name) =>
        namePrefix.Length > 0 && name.StartsWith(namePrefix, StringComparison.Ordinal) ? name[namePrefix.Length..] : name;

    private static int CountMessages(HttpMessage message)
    {
        var content = message.Response.Content.ToString();
        return QueueMessageElement().Count(content);
    }

    [GeneratedRegex(@"^(?<table>[A-Za-z0-9]+)\((?<keys>.*)\)$")]
    private static partial Regex EntityPath();

    [GeneratedRegex("<QueueMessage>")]
    private static partial Regex QueueMessageElement();
}
