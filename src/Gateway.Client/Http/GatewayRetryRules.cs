using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Polly;
using Polly.Timeout;

namespace Gateway.Client.Http;

/// <summary>Which failed attempts may be sent again. Pure functions, shared by the pipeline and the tests.</summary>
internal static class GatewayRetryRules
{
    /// <summary>Set on a request whose repetition could have a second effect (the create call).</summary>
    public static readonly HttpRequestOptionsKey<bool> NotIdempotent = new("Gateway.NotIdempotent");

    public static bool ShouldRetry(HttpRequestMessage? request, Outcome<HttpResponseMessage> outcome) =>
        IsIdempotent(request) ? IsTransient(outcome) : FailedBeforeSending(outcome.Exception);

    /// <summary>A GET or HEAD not marked <see cref="NotIdempotent"/>. An unknown request is treated as not idempotent.</summary>
    public static bool IsIdempotent(HttpRequestMessage? request) =>
        request is not null
        && (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head)
        && !(request.Options.TryGetValue(NotIdempotent, out var notIdempotent) && notIdempotent);

    /// <summary>5xx, 408, 429, a broken connection, or an attempt that timed out.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500
            || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        _ => false,
    };

    /// <summary>
    /// The connection was never established (refused, host not found), so no byte of the request reached the Gateway.
    /// A reset, a timeout or a truncated response do not qualify: the Gateway may have acted on the request.
    /// </summary>
    public static bool FailedBeforeSending(Exception? exception)
    {
        if (exception is not HttpRequestException failure)
        {
            return false;
        }

        if (failure.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return true;
        }

        for (var inner = failure.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData })
            {
                return true;
            }
        }

        return false;
    }
}
