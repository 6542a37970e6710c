using System.Collections.Concurrent;
using System.Text.Json;
using System.Xml.Linq;
using Azure.Core;
using Azure.Core.Pipeline;

namespace FunctionApp.Tests.Infrastructure;

/// <summary>
/// Records every message the app sends to its <c>tracker-events</c> queue (a storage pipeline policy): a hit is stored
/// exactly when such a send succeeds, whether or not the tracker has consumed it since.
/// </summary>
public sealed class TrackerSignalLog(string queueName) : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<JsonElement> sent = new();

    /// <summary>The messages sent for <paramref name="transactionId"/>, in the order they were sent.</summary>
    public IReadOnlyList<JsonElement> For(string transactionId) =>
        [.. sent.Where(m => m.GetProperty("transactionId").GetString() == transactionId)];

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

    private void Record(HttpMessage message)
    {
        var request = message.Request;
        if (request.Method != RequestMethod.Post || !request.Uri.Path.EndsWith($"/{queueName}/messages", StringComparison.Ordinal)
            || !message.HasResponse || message.Response.Status != 201 || request.Content is null)
        {
            return;
        }

        using var buffer = new MemoryStream();
        request.Content.WriteTo(buffer, CancellationToken.None);
        buffer.Position = 0;
        var text = XDocument.Load(buffer).Root!.Element("MessageText")!.Value;
        using var document = JsonDocument.Parse(Convert.FromBase64String(text));
        sent.Enqueue(document.RootElement.Clone());
    }
}
