using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Client.Tests.Http;

/// <summary>What the fake saw of one request, captured before it answered.</summary>
internal sealed record RecordedRequest(
    HttpMethod Method,
    Uri Uri,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    string? Body);

/// <summary>
/// A scripted stand-in for the network: answers each request with the next scripted step (then the fallback),
/// and records every request it receives.
/// </summary>
internal sealed class FakeGatewayHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> script = new();
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? fallback;

    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    public FakeGatewayHandler Then(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> step)
    {
        script.Enqueue(step);
        return this;
    }

    public FakeGatewayHandler ThenRespond(HttpStatusCode status, string body) =>
        Then((_, _) => Task.FromResult(Json(status, body)));

    public FakeGatewayHandler ThenThrow(Exception exception) => Then((_, _) => Task.FromException<HttpResponseMessage>(exception));

    /// <summary>Never answers: the attempt ends only when its token is cancelled (a timeout, or the caller).</summary>
    public FakeGatewayHandler ThenHang() => Then(async (_, cancellationToken) =>
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        throw new InvalidOperationException("unreachable");
    });

    public FakeGatewayHandler OtherwiseRespond(HttpStatusCode status, string body)
    {
        fallback = (_, _) => Task.FromResult(Json(status, body));
        return this;
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string body) => new(status)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
    };

    /// <summary>What SocketsHttpHandler throws when nothing listens on the port.</summary>
    public static HttpRequestException ConnectionRefused() =>
        new(HttpRequestError.ConnectionError, "Connection refused (gateway.test:443)", new SocketException((int)SocketError.ConnectionRefused));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        requests.Enqueue(new RecordedRequest(
            request.Method,
            request.RequestUri!,
            Flatten(request.Headers),
            request.Content?.Headers.ContentType?.ToString(),
            body));

        var step = script.TryDequeue(out var next) ? next : fallback
            ?? throw new InvalidOperationException($"No scripted response left for request #{requests.Count}.");
        return await step(request, cancellationToken);
    }

    private static Dictionary<string, string> Flatten(HttpRequestHeaders headers) =>
        headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
}
