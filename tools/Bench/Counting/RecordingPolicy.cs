using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Bench.Counting;

/// <summary>
/// An Azure.Core pipeline policy that records one classified entry per request sent (each retry attempt is its own
/// request). Marks taken from <see cref="Count"/> delimit what a measured window sent.
/// </summary>
public abstract class RecordingPolicy<TRequest> : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<TRequest> requests = new();

    public int Count => requests.Count;

    /// <summary>Requests recorded after <paramref name="mark"/> (a value of <see cref="Count"/> taken earlier).</summary>
    public IReadOnlyList<TRequest> Since(int mark) => [.. requests.Skip(mark)];

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var batch = BatchBody(message);
        ProcessNext(message, pipeline);
        requests.Enqueue(Classify(message, batch));
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var batch = BatchBody(message);
        await ProcessNextAsync(message, pipeline);
        requests.Enqueue(Classify(message, batch));
    }

    /// <param name="batchBody">An entity-group transaction's multipart body, or null for any other request.</param>
    protected abstract TRequest Classify(HttpMessage message, string? batchBody);

    /// <summary>An entity-group transaction's multipart body, read before it is sent (it cannot be read afterwards).</summary>
    private static string? BatchBody(HttpMessage message)
    {
        if (!message.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal) || message.Request.Content is null)
        {
            return null;
        }

        using var body = new MemoryStream();
        message.Request.Content.WriteTo(body, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(body.ToArray());
    }
}
