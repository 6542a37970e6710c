using System.Net;
using System.Net.Sockets;
using Gateway.Client.Auth;
using Gateway.Client.Http;
using Gateway.Client.Transactions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Gateway.Client.Tests.Http.GatewayTestData;

namespace Gateway.Client.Tests.Http;

/// <summary>
/// The client as the app gets it from <see cref="GatewayServiceCollectionExtensions.AddGatewayClient(IServiceCollection, Action{GatewayOptions}?)"/>:
/// the real resilience pipeline in front of a primary handler the test controls.
/// </summary>
public sealed class GatewayClientPipelineTests
{
    private const string ServiceUnavailable = """{"success":false,"errors":["Service Unavailable"],"errorType":"ServerError","data":null}""";

    [Fact]
    public async Task GetTransactionDetailsAsync_503ThenOk_IsRetriedAndSucceeds()
    {
        var handler = new FakeGatewayHandler()
            .ThenRespond(HttpStatusCode.ServiceUnavailable, ServiceUnavailable)
            .ThenRespond(HttpStatusCode.OK, DetailsBody);
        using var services = Build(handler);

        var details = await Resolve(services).GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None);

        Assert.Equal(TransactionStatus.Completed, details.Status);
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(ApiSecret, r.Headers["x-gateway-secret"]));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task GetOrderDetailsAsync_TransientStatusThenOk_IsRetried(HttpStatusCode status)
    {
        var handler = new FakeGatewayHandler()
            .ThenRespond(status, ServiceUnavailable)
            .ThenRespond(HttpStatusCode.OK, """{"success":true,"data":{"orderBatches":[{"batchId":"b1"}]}}""");
        using var services = Build(handler);

        var details = await Resolve(services).GetOrderDetailsAsync(TransactionId, AuthToken, CancellationToken.None);

        Assert.Single(details.OrderBatches);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetTransactionDetailsAsync_BrokenConnectionThenOk_IsRetried()
    {
        var handler = new FakeGatewayHandler()
            .ThenThrow(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."))
            .ThenRespond(HttpStatusCode.OK, DetailsBody);
        using var services = Build(handler);

        await Resolve(services).GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None);

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetTransactionDetailsAsync_AttemptTimesOutThenOk_IsRetried()
    {
        var handler = new FakeGatewayHandler().ThenHang().ThenRespond(HttpStatusCode.OK, DetailsBody);
        using var services = Build(handler, ShortAttempts);

        await Resolve(services).GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None);

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task GetTransactionDetailsAsync_AlwaysUnavailable_StopsAfterMaxRetriesWithUnavailable()
    {
        var handler = new FakeGatewayHandler().OtherwiseRespond(HttpStatusCode.ServiceUnavailable, ServiceUnavailable);
        using var services = Build(handler, o => o.MaxGetRetries = 2);

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => Resolve(services).GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Unavailable, failure.Kind);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.StatusCode);
        Assert.Equal("ServerError", failure.ErrorType);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task GetTransactionDetailsAsync_AlwaysHangs_EndsAsTimeoutAfterMaxRetries()
    {
        var handler = new FakeGatewayHandler().ThenHang().ThenHang().ThenHang();
        using var services = Build(handler, o =>
        {
            ShortAttempts(o);
            o.MaxGetRetries = 2;
        });

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => Resolve(services).GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Timeout, failure.Kind);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task GetTransactionDetailsAsync_ClientError_IsNotRetried(HttpStatusCode status)
    {
        var handler = new FakeGatewayHandler().OtherwiseRespond(status, """{"success":false,"errors":["no"],"errorType":"InputException"}""");
        using var services = Build(handler);

        await Assert.ThrowsAsync<GatewayApiException>(
            () => Resolve(services).GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task AnyCall_401_IsUnauthorizedKind()
    {
        var handler = new FakeGatewayHandler().OtherwiseRespond(HttpStatusCode.Unauthorized, """
            {"success":false,"errors":["Invalid auth token"],"errorType":"AuthenticationError","data":null}
            """);
        using var services = Build(handler);

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => Resolve(services).CreateTransactionAsync(Single(), AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Unauthorized, failure.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        Assert.Equal("AuthenticationError", failure.ErrorType);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task AnyCall_SuccessFalseWithHttp200_IsRejectedAndNotRetried()
    {
        var handler = new FakeGatewayHandler().OtherwiseRespond(HttpStatusCode.OK, """
            {"success":false,"errors":["transactionId not found"],"errorType":"InputException","data":null}
            """);
        using var services = Build(handler);

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => Resolve(services).GetOrderDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Rejected, failure.Kind);
        Assert.Equal("InputException", failure.ErrorType);
        Assert.Equal(["transactionId not found"], failure.Errors);
        Assert.Single(handler.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task CreateTransactionAsync_TransientStatus_IsNotRetried(HttpStatusCode status)
    {
        var handler = new FakeGatewayHandler().OtherwiseRespond(status, ServiceUnavailable);
        using var services = Build(handler);

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => Resolve(services).CreateTransactionAsync(Single(), AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Unavailable, failure.Kind);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task CreateTransactionAsync_AttemptTimesOut_IsNotRetriedAndIsTimeout()
    {
        var handler = new FakeGatewayHandler().ThenHang().ThenRespond(HttpStatusCode.OK, CreatedBody);
        using var services = Build(handler, ShortAttempts);

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => Resolve(services).CreateTransactionAsync(Single(), AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Timeout, failure.Kind);
        Assert.Equal(GatewayOperation.CreateTransaction, failure.Operation);
        Assert.Single(handler.Requests);
    }

    [Theory]
    [InlineData(HttpRequestError.ResponseEnded)]
    [InlineData(HttpRequestError.Unknown)]
    [InlineData(HttpRequestError.SecureConnectionError)]
    public async Task CreateTransactionAsync_FailureAfterConnecting_IsNotRetried(HttpRequestError error)
    {
        var handler = new FakeGatewayHandler()
            .ThenThrow(new HttpRequestException(error, "Connection reset by peer", new SocketException((int)SocketError.ConnectionReset)))
            .ThenRespond(HttpStatusCode.OK, CreatedBody);
        using var services = Build(handler);

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => Resolve(services).CreateTransactionAsync(Single(), AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Transport, failure.Kind);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task CreateTransactionAsync_ConnectionRefusedThenOk_IsRetriedWithTheSameBody()
    {
        var handler = new FakeGatewayHandler()
            .ThenThrow(FakeGatewayHandler.ConnectionRefused())
            .ThenRespond(HttpStatusCode.OK, CreatedBody);
        using var services = Build(handler);

        var created = await Resolve(services).CreateTransactionAsync(Single(), AuthToken, CancellationToken.None);

        Assert.Equal(TransactionId, created.TransactionId);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(handler.Requests[0].Body, handler.Requests[1].Body);
        Assert.All(handler.Requests, r => Assert.Equal(HttpMethod.Post, r.Method));
    }

    [Fact]
    public async Task CreateTransactionAsync_HostNotFoundThenOk_IsRetried()
    {
        var handler = new FakeGatewayHandler()
            .ThenThrow(new HttpRequestException("Name or service not known", new SocketException((int)SocketError.HostNotFound)))
            .ThenRespond(HttpStatusCode.OK, CreatedBody);
        using var services = Build(handler);

        await Resolve(services).CreateTransactionAsync(Single(), AuthToken, CancellationToken.None);

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task CreateTransactionAsync_ConnectionAlwaysRefused_StopsAfterMaxRetriesWithTransport()
    {
        var handler = new FakeGatewayHandler()
            .ThenThrow(FakeGatewayHandler.ConnectionRefused())
            .ThenThrow(FakeGatewayHandler.ConnectionRefused())
            .ThenThrow(FakeGatewayHandler.ConnectionRefused());
        using var services = Build(handler, o => o.MaxGetRetries = 2);

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => Resolve(services).CreateTransactionAsync(Single(), AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Transport, failure.Kind);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task CreateTransactionAsync_InvalidRequest_ThrowsValidationAndSendsNothing()
    {
        var handler = new FakeGatewayHandler().OtherwiseRespond(HttpStatusCode.OK, CreatedBody);
        using var services = Build(handler);

        var failure = await Assert.ThrowsAsync<GatewayValidationException>(
            () => Resolve(services).CreateTransactionAsync(new CreateTransactionRequest([]), AuthToken, CancellationToken.None));

        Assert.Equal("securities", Assert.Single(failure.Errors).Field);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task AnyCall_CallerCancels_IsCancellationAndNotRetried()
    {
        var handler = new FakeGatewayHandler().ThenHang().ThenRespond(HttpStatusCode.OK, DetailsBody);
        using var services = Build(handler);
        using var cancellation = new CancellationTokenSource();
        var call = Resolve(services).GetTransactionDetailsAsync(TransactionId, AuthToken, cancellation.Token);
        await WaitUntil(() => handler.Requests.Count == 1);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public void AddGatewayClient_RegistersTheClientUnderBothNames()
    {
        using var services = Build(new FakeGatewayHandler());

        Assert.IsType<GatewayClient>(services.GetRequiredService<IGatewayClient>());
        Assert.NotNull(services.GetRequiredService<GatewayClient>());
    }

    [Fact]
    public void AddGatewayClient_InvalidOptions_FailStartupValidationWithEveryProblem()
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IGatewaySecretSource>(Secrets());
        collection.AddGatewayClient(o =>
        {
            o.BaseUrl = new Uri("ftp://gateway.test");
            o.GatewayName = "acme fin";
            o.AttemptTimeout = TimeSpan.Zero;
        });
        using var services = collection.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(failure.Failures, f => f.Contains("BaseUrl", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("GatewayName", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("AttemptTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddGatewayClient_ConfigurationSection_BindsEverySetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:BaseUrl"] = "https://gatewayapi.stag.smallcase.com",
            ["Gateway:Name"] = "acme-fin",
            ["Gateway:AttemptTimeout"] = "00:00:05",
            ["Gateway:OverallTimeout"] = "00:00:20",
            ["Gateway:MaxGetRetries"] = "1",
            ["Gateway:RetryBaseDelay"] = "00:00:00",
        }).Build();
        var handler = new FakeGatewayHandler()
            .ThenRespond(HttpStatusCode.ServiceUnavailable, ServiceUnavailable)
            .ThenRespond(HttpStatusCode.ServiceUnavailable, ServiceUnavailable)
            .ThenRespond(HttpStatusCode.OK, DetailsBody);
        var collection = new ServiceCollection();
        collection.AddSingleton<IGatewaySecretSource>(Secrets());
        collection.AddGatewayClient(configuration.GetSection(GatewayOptions.SectionName)).ConfigurePrimaryHttpMessageHandler(() => handler);
        using var services = collection.BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();

        var options = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => services.GetRequiredService<IGatewayClient>().GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Equal(new Uri("https://gatewayapi.stag.smallcase.com"), options.BaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(5), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), options.OverallTimeout);
        Assert.Equal(GatewayFailureKind.Unavailable, failure.Kind);
        Assert.Equal(2, handler.Requests.Count);
        Assert.StartsWith("https://gatewayapi.stag.smallcase.com/v1/acme-fin/", handler.Requests[0].Uri.AbsoluteUri, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(FakeGatewayHandler handler, Action<GatewayOptions>? adjust = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IGatewaySecretSource>(Secrets());
        collection.AddGatewayClient(options =>
        {
            options.BaseUrl = BaseUrl;
            options.GatewayName = GatewayName;
            options.AttemptTimeout = TimeSpan.FromSeconds(30);
            options.OverallTimeout = TimeSpan.FromMinutes(1);
            options.MaxGetRetries = 3;
            options.RetryBaseDelay = TimeSpan.Zero;
            adjust?.Invoke(options);
        }).ConfigurePrimaryHttpMessageHandler(() => handler);
        var services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        services.GetRequiredService<IStartupValidator>().Validate();
        return services;
    }

    /// <summary>For the tests whose handler never answers: the attempt must end by timing out.</summary>
    private static void ShortAttempts(GatewayOptions options) => options.AttemptTimeout = TimeSpan.FromMilliseconds(300);

    private static IGatewayClient Resolve(ServiceProvider services) => services.GetRequiredService<IGatewayClient>();

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition was not met within 10 seconds.");
            await Task.Delay(5);
        }
    }
}
