using System.Net;
using System.Net.Sockets;
using Gateway.Client.Http;
using Polly;
using Polly.Timeout;

namespace Gateway.Client.Tests.Http;

public sealed class GatewayRetryRulesTests
{
    public static TheoryData<Exception> NeverConnected => new()
    {
        new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused)),
        new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known", new SocketException((int)SocketError.HostNotFound)),
        new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused)),
        new HttpRequestException("Temporary failure in name resolution", new SocketException((int)SocketError.TryAgain)),
        new HttpRequestException("wrapped", new IOException("outer", new SocketException((int)SocketError.ConnectionRefused))),
    };

    public static TheoryData<Exception> MayHaveBeenSent => new()
    {
        new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."),
        new HttpRequestException("Connection reset by peer", new SocketException((int)SocketError.ConnectionReset)),
        new HttpRequestException("Timed out", new SocketException((int)SocketError.TimedOut)),
        new HttpRequestException(HttpRequestError.InvalidResponse, "Invalid status line"),
        new TimeoutRejectedException(),
        new TaskCanceledException(),
        new InvalidOperationException("not a transport failure"),
    };

    [Theory]
    [MemberData(nameof(NeverConnected))]
    public void FailedBeforeSending_ConnectionNeverOpened_IsTrue(Exception exception) =>
        Assert.True(GatewayRetryRules.FailedBeforeSending(exception));

    [Theory]
    [MemberData(nameof(MayHaveBeenSent))]
    public void FailedBeforeSending_RequestMayHaveBeenSent_IsFalse(Exception exception) =>
        Assert.False(GatewayRetryRules.FailedBeforeSending(exception));

    [Fact]
    public void ShouldRetry_PostMarkedNotIdempotent_OnlyOnConnectionFailure()
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, "https://gateway.test/gateway/acme/transaction");
        post.Options.Set(GatewayRetryRules.NotIdempotent, true);
        using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.False(GatewayRetryRules.ShouldRetry(post, Outcome.FromResult(unavailable)));
        Assert.False(GatewayRetryRules.ShouldRetry(post, Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));
        Assert.True(GatewayRetryRules.ShouldRetry(post, Outcome.FromException<HttpResponseMessage>(FakeGatewayHandler.ConnectionRefused())));
    }

    [Fact]
    public void ShouldRetry_GetMarkedNotIdempotent_IsTreatedLikeACreate()
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "https://gateway.test/v1/acme/engine/transactiondetails");
        get.Options.Set(GatewayRetryRules.NotIdempotent, true);
        using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.False(GatewayRetryRules.ShouldRetry(get, Outcome.FromResult(unavailable)));
    }

    [Fact]
    public void ShouldRetry_UnknownRequest_IsTreatedLikeACreate()
    {
        using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.False(GatewayRetryRules.ShouldRetry(null, Outcome.FromResult(unavailable)));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.OK, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    public void ShouldRetry_Get_RetriesTransientStatusesOnly(HttpStatusCode status, bool retried)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "https://gateway.test/v1/acme/engine/orders/sst");
        using var response = new HttpResponseMessage(status);

        Assert.Equal(retried, GatewayRetryRules.ShouldRetry(get, Outcome.FromResult(response)));
    }

    [Fact]
    public void ShouldRetry_Get_RetriesTransportFailuresAndAttemptTimeouts()
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "https://gateway.test/v1/acme/engine/orders/sst");

        Assert.True(GatewayRetryRules.ShouldRetry(get, Outcome.FromException<HttpResponseMessage>(new HttpRequestException("reset"))));
        Assert.True(GatewayRetryRules.ShouldRetry(get, Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));
        Assert.False(GatewayRetryRules.ShouldRetry(get, Outcome.FromException<HttpResponseMessage>(new OperationCanceledException())));
    }
}
