using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace FunctionApp.Tests.Infrastructure;

/// <summary>Records every table and queue request the app's storage clients send, one entry per attempt.</summary>
public sealed class StorageRequestRecorder : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<RecordedRequest> requests = new();

    public int Count => requests.Count;

    public IReadOnlyList<RecordedRequest> Since(int mark) => [.. requests.Skip(mark)];

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        requests.Enqueue(RecordedRequest.Of(message));
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        requests.Enqueue(RecordedRequest.Of(message));
    }
}

/// <param name="Resource">The table or queue name as sent (with the app's prefix).</param>
/// <param name="Keyed">The path names an entity (<c>Table(PartitionKey=..,RowKey=..)</c>) or a message.</param>
public sealed record RecordedRequest(string Method, string Resource, bool IsQueue, bool Keyed, string? IfMatch, int Status)
{
    /// <summary>Queue receives and table queries (the outbox sweep) recur whatever the test does.</summary>
    public bool IsBackground => Method == "GET" && (IsQueue || !Keyed);

    public static RecordedRequest Of(HttpMessage message)
    {
        // Azurite's path style: /<account>/<table>[(<keys>)] or /<account>/<queue>/messages[/<id>].
        var segments = Uri.UnescapeDataString(message.Request.Uri.ToUri().AbsolutePath).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var resource = segments.Length > 1 ? segments[1] : string.Empty;
        var isQueue = segments.Length > 2 && segments[2] == "messages";
        var keysAt = resource.IndexOf('(', StringComparison.Ordinal);
        var keyed = isQueue ? segments.Length > 3 : keysAt > 0;
        return new RecordedRequest(
            message.Request.Method.Method,
            keysAt > 0 ? resource[..keysAt] : resource,
            isQueue,
            keyed,
            message.Request.Headers.TryGetValue("If-Match", out var ifMatch) ? ifMatch : null,
            message.HasResponse ? message.Response.Status : 0);
    }

    /// <summary>E.g. "merge (ETag) IdempotencyRecords → 204", the name without the app's prefix.</summary>
    public string Describe(string namePrefix)
    {
        var condition = IfMatch switch
        {
            null => string.Empty,
            "*" => " (If-Match *)",
            _ => " (ETag)",
        };
        var kind = (IsQueue, Method, Keyed) switch
        {
            (true, "POST", _) => "send",
            (true, "DELETE", _) => "delete message",
            (true, "PUT", _) => "update message",
            (false, "POST", _) => "insert",
            (false, "GET", true) => "point read",
            (false, "PUT", true) => "replace" + condition,
            (false, "PATCH" or "MERGE", true) => "merge" + condition,
            (false, "DELETE", true) => "delete" + condition,
            _ => Method,
        };
        var name = Resource.StartsWith(namePrefix, StringComparison.Ordinal) ? Resource[namePrefix.Length..] : Resource;
        return $"{kind} {name} → {Status}";
    }
}
