using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Transactions.Storage.Tests;

/// <summary>A storage request as answered: method, path (e.g. "/devstoreaccount1/tTransactions(...)") and status.</summary>
public sealed record RecordedRequest(string Method, string Path, int Status)
{
    /// <summary>The table or queue the path names, without <paramref name="namePrefix"/> and without entity keys.</summary>
    public string Resource(string namePrefix)
    {
        var name = Path.Split('/', StringSplitOptions.RemoveEmptyEntries)[1];
        return name[namePrefix.Length..].Split('(')[0];
    }
}

/// <summary>Records every request the storage clients send, once answered (add it to <c>StorageOptions.AdditionalPolicies</c>).</summary>
public sealed class RequestRecorder : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<RecordedRequest> requests = new();

    public IReadOnlyList<RecordedRequest> All => [.. requests];

    /// <summary>The requests recorded since the last call, removed from the record.</summary>
    public IReadOnlyList<RecordedRequest> Take()
    {
        var taken = new List<RecordedRequest>();
        while (requests.TryDequeue(out var request))
        {
            taken.Add(request);
        }

        return taken;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Record(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        Record(message);
    }

    private void Record(HttpMessage message) =>
        requests.Enqueue(new RecordedRequest(message.Request.Method.Method, message.Request.Uri.ToUri().AbsolutePath, message.Response.Status));
}
