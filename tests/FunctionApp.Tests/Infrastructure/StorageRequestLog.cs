using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace FunctionApp.Tests.Infrastructure;

/// <summary>Records every table and queue request the app sends as "METHOD table-or-queue" (a storage pipeline policy).</summary>
public sealed class StorageRequestLog : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<string> requests = new();

    /// <summary>The requests sent while <paramref name="action"/> ran (start the app without background triggers to make this exact).</summary>
    public async Task<IReadOnlyList<string>> DuringAsync(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var before = requests.Count;
        await action();
        return [.. requests.Skip(before)];
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Record(HttpMessage message)
    {
        // "/table(PartitionKey=..)" or "/devstoreaccount1/queue/messages": the first segment after the account.
        var segments = message.Request.Uri.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var resource = segments.Length > 1 ? segments[1] : segments.FirstOrDefault() ?? "";
        var parenthesis = resource.IndexOf('(', StringComparison.Ordinal);
        requests.Enqueue($"{message.Request.Method} {(parenthesis >= 0 ? resource[..parenthesis] : resource)}");
    }
}
