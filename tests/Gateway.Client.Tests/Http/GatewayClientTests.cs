using System.Net;
using Gateway.Client.Auth;
using Gateway.Client.Http;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Microsoft.Extensions.Logging;
using static Gateway.Client.Tests.Http.GatewayTestData;

namespace Gateway.Client.Tests.Http;

/// <summary>What the client puts on the wire and how it reads every kind of answer (no pipeline: one attempt each).</summary>
public sealed class GatewayClientTests
{
    [Fact]
    public async Task CreateTransactionAsync_MixedBasket_SendsExactJsonBody()
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, CreatedBody);
        var request = new CreateTransactionRequest(
            [
                new SecurityOrder("RELIANCE", 10, TradeType.Buy),
                new SecurityOrder("ITC", 5, TradeType.Sell),
                new SecurityOrder("M&M", 1, TradeType.Buy),
                new SecurityOrder("NIFTYBEES", 250, TradeType.Sell),
            ],
            "ref_9f2c");

        await NewClient(handler).CreateTransactionAsync(request, AuthToken, CancellationToken.None);

        var sent = Assert.Single(handler.Requests);
        JsonAssert.Equal("""
            {
              "intent": "TRANSACTION",
              "orderConfig": {
                "type": "SECURITIES",
                "securities": [
                  { "ticker": "RELIANCE", "quantity": 10, "type": "BUY" },
                  { "ticker": "ITC", "quantity": 5, "type": "SELL" },
                  { "ticker": "M&M", "quantity": 1, "type": "BUY" },
                  { "ticker": "NIFTYBEES", "quantity": 250, "type": "SELL" }
                ]
              },
              "notes": "ref_9f2c"
            }
            """, sent.Body);
    }

    [Fact]
    public async Task CreateTransactionAsync_NoQuantityTypeOrNotes_OmitsThoseFields()
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, CreatedBody);

        await NewClient(handler).CreateTransactionAsync(
            new CreateTransactionRequest([new SecurityOrder("RELIANCE"), new SecurityOrder("360ONE")]), AuthToken, CancellationToken.None);

        JsonAssert.Equal("""
            { "intent": "TRANSACTION", "orderConfig": { "type": "SECURITIES", "securities": [ { "ticker": "RELIANCE" }, { "ticker": "360ONE" } ] } }
            """, Assert.Single(handler.Requests).Body);
    }

    [Fact]
    public async Task CreateTransactionAsync_Success_PostsToGatewayPathWithJsonContentAndReturnsTransaction()
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, CreatedBody);

        var created = await NewClient(handler).CreateTransactionAsync(Single(), AuthToken, CancellationToken.None);

        Assert.Equal(new CreatedTransaction(TransactionId, new DateTimeOffset(2026, 11, 24, 8, 32, 34, 213, TimeSpan.Zero)), created);
        var sent = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal("https://gateway.test/gateway/acme-fin/transaction", sent.Uri.AbsoluteUri);
        Assert.Equal("application/json; charset=utf-8", sent.ContentType);
    }

    [Fact]
    public async Task CreateTransactionAsync_BaseUrlWithPath_KeepsThePathPrefix()
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, CreatedBody);

        await NewClient(handler, baseUrl: new Uri("https://proxy.test/smallcase")).CreateTransactionAsync(Single(), AuthToken, CancellationToken.None);

        Assert.Equal("https://proxy.test/smallcase/gateway/acme-fin/transaction", Assert.Single(handler.Requests).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task EveryCall_SendsSecretAuthTokenAndAcceptHeaders()
    {
        var handler = new FakeGatewayHandler()
            .ThenRespond(HttpStatusCode.OK, CreatedBody)
            .ThenRespond(HttpStatusCode.OK, DetailsBody)
            .ThenRespond(HttpStatusCode.OK, """{"success":true,"errors":null,"data":{"orderBatches":[]}}""");
        var client = NewClient(handler);

        await client.CreateTransactionAsync(Single(), AuthToken, CancellationToken.None);
        await client.GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None);
        await client.GetOrderDetailsAsync(TransactionId, AuthToken, CancellationToken.None);

        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, sent =>
        {
            Assert.Equal(ApiSecret, sent.Headers["x-gateway-secret"]);
            Assert.Equal(AuthToken, sent.Headers["x-gateway-authtoken"]);
            Assert.Equal("application/json", sent.Headers["Accept"]);
        });
    }

    [Fact]
    public async Task EveryCall_ReadsTheSecretAgain_SoARotationTakesEffectAtOnce()
    {
        var secrets = new RotatingSecrets("old-api-secret");
        var handler = new FakeGatewayHandler().OtherwiseRespond(HttpStatusCode.OK, DetailsBody);
        var client = NewClient(handler, secrets);

        await client.GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None);
        secrets.Current = "new-api-secret";
        await client.GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None);

        Assert.Equal(["old-api-secret", "new-api-secret"], handler.Requests.Select(r => r.Headers["x-gateway-secret"]));
    }

    [Fact]
    public async Task GetTransactionDetailsAsync_Completed_SendsEscapedQueryAndParsesDetails()
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, DetailsBody);

        var details = await NewClient(handler).GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None);

        var sent = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Get, sent.Method);
        Assert.Equal($"/v1/acme-fin/engine/transactiondetails?transactionId={TransactionId}", sent.Uri.PathAndQuery);
        Assert.Null(sent.Body);
        Assert.Equal(TransactionStatus.Completed, details.Status);
        Assert.Equal("611a21465fc1af22353c1395", details.SmallcaseAuthId);
        Assert.Equal("kite", details.Broker);
        Assert.Null(details.Details.Error);
    }

    [Fact]
    public async Task GetOrderDetailsAsync_DocumentedWrapper_SendsQueryAndParsesBatches()
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, """
            {"success":true,"errors":null,"data":{"orderBatches":[{"batchId":"611a21737f8bf5d33e986067","status":"COMPLETED","buyAmount":22050.62,
              "orders":[{"tradingsymbol":"ITC","transactionType":"BUY","status":"COMPLETE","quantity":1,"filledQuantity":1,"averagePrice":211.02}]}]}}
            """);

        var details = await NewClient(handler).GetOrderDetailsAsync(TransactionId, AuthToken, CancellationToken.None);

        Assert.Equal($"/v1/acme-fin/engine/orders/sst?transactionId={TransactionId}", Assert.Single(handler.Requests).Uri.PathAndQuery);
        var batch = Assert.Single(details.OrderBatches);
        Assert.Equal(22050.62m, batch.BuyAmount);
        Assert.Equal(211.02m, Assert.Single(batch.Orders).AveragePrice);
    }

    [Theory]
    [InlineData("""{"orderBatches":[{"batchId":"b1"},{"batchId":"b2"}]}""", 2)]
    [InlineData("""[{"batchId":"b1"},{"batchId":"b2"}]""", 2)]
    [InlineData("""[{"batchId":"b1"},null]""", 1)]
    [InlineData("""{"orderBatches":[]}""", 0)]
    [InlineData("""{"orderBatches":null}""", 0)]
    [InlineData("""{}""", 0)]
    [InlineData("""[]""", 0)]
    [InlineData("null", 0)]
    public async Task GetOrderDetailsAsync_DataShapes_AreAllAccepted(string data, int batches)
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, $$"""{"success":true,"errors":null,"data":{{data}}}""");

        var details = await NewClient(handler).GetOrderDetailsAsync(TransactionId, AuthToken, CancellationToken.None);

        Assert.Equal(batches, details.OrderBatches.Count);
        Assert.All(details.OrderBatches, Assert.NotNull);
    }

    [Fact]
    public async Task GetOrderDetailsAsync_DataMissing_MeansNoBatches()
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, """{"success":true,"errors":null}""");

        var details = await NewClient(handler).GetOrderDetailsAsync(TransactionId, AuthToken, CancellationToken.None);

        Assert.Empty(details.OrderBatches);
    }

    [Fact]
    public async Task GetOrderDetailsAsync_DataIsAString_IsInvalidResponse()
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, """{"success":true,"data":"orders"}""");

        var failure = await Assert.ThrowsAsync<GatewayApiException>(() => NewClient(handler).GetOrderDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.InvalidResponse, failure.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("TRX_")]
    [InlineData("trx_47fbd57104814ddd9d57af8ae6556024")]
    [InlineData("47fbd57104814ddd9d57af8ae6556024")]
    [InlineData("TRX_47fb&batchId=611a21737f8bf5d33e986067")]
    [InlineData("TRX_47fb d571")]
    [InlineData("TRX_47fb%26x")]
    [InlineData("TRX_47fb/../../gateway")]
    [InlineData("TRX_47fb#frag")]
    [InlineData("TRX_47fb\n")]
    [InlineData("TRX_é47fb")]
    public async Task TransactionIdCalls_MalformedId_ThrowBeforeSending(string transactionId)
    {
        var handler = new FakeGatewayHandler().OtherwiseRespond(HttpStatusCode.OK, DetailsBody);
        var client = NewClient(handler);

        await Assert.ThrowsAsync<ArgumentException>(() => client.GetTransactionDetailsAsync(transactionId, AuthToken, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetOrderDetailsAsync(transactionId, AuthToken, CancellationToken.None));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task GetTransactionDetailsAsync_TolerantIdForm_IsAccepted()
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, """
            {"success":true,"data":{"transactionId":"TRX_AbC123","transactionDetails":{"status":"USED"}}}
            """);

        var details = await NewClient(handler).GetTransactionDetailsAsync("TRX_AbC123", AuthToken, CancellationToken.None);

        Assert.Equal(TransactionStatus.Used, details.Status);
        Assert.Equal("/v1/acme-fin/engine/transactiondetails?transactionId=TRX_AbC123", Assert.Single(handler.Requests).Uri.PathAndQuery);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.sig\r\nx-injected: 1")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9 .e30.sig")]
    public async Task EveryCall_MalformedAuthToken_ThrowsWithoutEchoingIt(string authToken)
    {
        var handler = new FakeGatewayHandler().OtherwiseRespond(HttpStatusCode.OK, CreatedBody);
        var client = NewClient(handler);

        var failures = new[]
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() => client.CreateTransactionAsync(Single(), authToken, CancellationToken.None)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => client.GetTransactionDetailsAsync(TransactionId, authToken, CancellationToken.None)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => client.GetOrderDetailsAsync(TransactionId, authToken, CancellationToken.None)),
        };

        Assert.Empty(handler.Requests);
        Assert.All(failures, f => Assert.Equal("authToken", f.ParamName));
        if (authToken.Trim().Length > 0)
        {
            Assert.All(failures, f => Assert.DoesNotContain(authToken, f.Message, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task CreateTransactionAsync_InvalidRequest_ThrowsValidationExceptionWithEveryErrorAndSendsNothing()
    {
        var handler = new FakeGatewayHandler().OtherwiseRespond(HttpStatusCode.OK, CreatedBody);
        var request = new CreateTransactionRequest(
            [new SecurityOrder("reliance", 0, TradeType.Buy), new SecurityOrder("ITC", 5, TradeType.From("HOLD"))],
            new string('n', 257));

        var failure = await Assert.ThrowsAsync<GatewayValidationException>(
            () => NewClient(handler).CreateTransactionAsync(request, AuthToken, CancellationToken.None));

        Assert.Empty(handler.Requests);
        Assert.Equal(
            ["securities[0].ticker", "securities[0].quantity", "securities[1].type", "notes"],
            failure.Errors.Select(e => e.Field));
        Assert.Contains("securities[0].quantity", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_SuccessFalseWithHttp200_ThrowsRejectedWithErrorTypeAndErrors()
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, """
            {"success":false,"errors":["Invalid ticker: XYZ","Basket too large"],"errorType":"InputException","data":null}
            """);

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => NewClient(handler).CreateTransactionAsync(Single(), AuthToken, CancellationToken.None));

        Assert.Equal(GatewayOperation.CreateTransaction, failure.Operation);
        Assert.Equal(GatewayFailureKind.Rejected, failure.Kind);
        Assert.Equal(HttpStatusCode.OK, failure.StatusCode);
        Assert.Equal("InputException", failure.ErrorType);
        Assert.Equal(["Invalid ticker: XYZ", "Basket too large"], failure.Errors);
        Assert.False(failure.IsTransient);
        Assert.Contains("InputException", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiSecret, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthToken, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""["first","second"]""", new[] { "first", "second" })]
    [InlineData("\"only one\"", new[] { "only one" })]
    [InlineData("""[{"code":1005,"message":"transaction_expired"}]""", new[] { "transaction_expired" })]
    [InlineData("null", new string[0])]
    public async Task AnyCall_SuccessFalse_ReadsEveryErrorsShape(string errors, string[] expected)
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, $$"""{"success":false,"errors":{{errors}},"data":null}""");

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => NewClient(handler).GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Equal(expected, failure.Errors);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, GatewayFailureKind.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden, GatewayFailureKind.Unauthorized)]
    [InlineData(HttpStatusCode.BadRequest, GatewayFailureKind.Rejected)]
    [InlineData(HttpStatusCode.NotFound, GatewayFailureKind.Rejected)]
    [InlineData(HttpStatusCode.Conflict, GatewayFailureKind.Rejected)]
    [InlineData(HttpStatusCode.RequestTimeout, GatewayFailureKind.Unavailable)]
    [InlineData(HttpStatusCode.TooManyRequests, GatewayFailureKind.Unavailable)]
    [InlineData(HttpStatusCode.InternalServerError, GatewayFailureKind.Unavailable)]
    [InlineData(HttpStatusCode.BadGateway, GatewayFailureKind.Unavailable)]
    [InlineData(HttpStatusCode.ServiceUnavailable, GatewayFailureKind.Unavailable)]
    [InlineData(HttpStatusCode.Found, GatewayFailureKind.InvalidResponse)]
    public async Task AnyCall_NonSuccessStatus_MapsToKindAndKeepsEnvelopeDetails(HttpStatusCode status, GatewayFailureKind kind)
    {
        var handler = new FakeGatewayHandler().ThenRespond(status, """
            {"success":false,"errors":["Something went wrong"],"errorType":"AuthenticationError","data":null}
            """);

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => NewClient(handler).GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Equal(kind, failure.Kind);
        Assert.Equal(status, failure.StatusCode);
        Assert.Equal("AuthenticationError", failure.ErrorType);
        Assert.Equal(["Something went wrong"], failure.Errors);
        Assert.Equal(GatewayOperation.GetTransactionDetails, failure.Operation);
    }

    [Fact]
    public async Task AnyCall_ErrorStatusWithSuccessTrueBody_IsStillAFailure()
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.InternalServerError, DetailsBody);

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => NewClient(handler).GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Unavailable, failure.Kind);
        Assert.True(failure.IsTransient);
    }

    [Fact]
    public async Task AnyCall_ErrorStatusWithHtmlBody_KeepsStatusAndHasNoErrors()
    {
        var handler = new FakeGatewayHandler().Then((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent("<html><body>502 Bad Gateway</body></html>", System.Text.Encoding.UTF8, "text/html"),
        }));

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => NewClient(handler).GetOrderDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Unavailable, failure.Kind);
        Assert.Equal(HttpStatusCode.BadGateway, failure.StatusCode);
        Assert.Null(failure.ErrorType);
        Assert.Empty(failure.Errors);
    }

    [Theory]
    [InlineData("<html>maintenance</html>")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("""{"success":true,"errors":null,"data":{"transactionId":"TRX_47fb""")]
    [InlineData("""{"success":true,"errors":null}""")]
    [InlineData("""{"success":true,"errors":null,"data":null}""")]
    [InlineData("""{"success":true,"data":{"expireAt":"2026-11-24T08:32:34.213Z"}}""")]
    [InlineData("""{"success":true,"data":{"transactionId":"TRX_47fbd57104814ddd9d57af8ae6556024"}}""")]
    [InlineData("""{"success":true,"data":{"transactionId":"TRX_47fbd57104814ddd9d57af8ae6556024","expireAt":"soon"}}""")]
    [InlineData("""{"success":true,"data":[1,2,3]}""")]
    public async Task CreateTransactionAsync_Http200WithoutUsableData_IsInvalidResponse(string body)
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, body);

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => NewClient(handler).CreateTransactionAsync(Single(), AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.InvalidResponse, failure.Kind);
        Assert.Equal(HttpStatusCode.OK, failure.StatusCode);
        Assert.False(failure.IsTransient);
    }

    [Fact]
    public async Task AnyCall_SuccessFieldMissing_IsRejected()
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, """{"data":{"transactionId":"TRX_1","expireAt":"2026-11-24T08:32:34.213Z"}}""");

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => NewClient(handler).CreateTransactionAsync(Single(), AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Rejected, failure.Kind);
    }

    [Theory]
    [InlineData("""{"transactionId":"TRX_47fbd57104814ddd9d57af8ae6556024","transactionDetails":{"error":null}}""")]
    [InlineData("""{"transactionId":"TRX_47fbd57104814ddd9d57af8ae6556024"}""")]
    [InlineData("""{"transactionId":"TRX_00000000000000000000000000000000","transactionDetails":{"status":"COMPLETED"}}""")]
    public async Task GetTransactionDetailsAsync_NoStatusOrAnotherTransaction_IsInvalidResponse(string data)
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.OK, $$"""{"success":true,"data":{{data}}}""");

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => NewClient(handler).GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.InvalidResponse, failure.Kind);
    }

    [Fact]
    public async Task AnyCall_GatewayEchoesSecretOrToken_MasksBothInTheException()
    {
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.Unauthorized, $$"""
            {"success":false,"errorType":"bad secret {{ApiSecret}}","errors":["token {{AuthToken}} rejected","secret {{ApiSecret}} unknown"]}
            """);

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => NewClient(handler).GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Unauthorized, failure.Kind);
        Assert.Equal("bad secret ***", failure.ErrorType);
        Assert.Equal(["token *** rejected", "secret *** unknown"], failure.Errors);
        Assert.DoesNotContain(ApiSecret, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthToken, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_Failure_IsLoggedWithStableEventIdAndWithoutCredentials()
    {
        var logger = new CapturingLogger<GatewayClient>();
        var handler = new FakeGatewayHandler().ThenRespond(HttpStatusCode.Unauthorized, $$"""
            {"success":false,"errorType":"echo {{ApiSecret}} {{AuthToken}}","errors":["x"]}
            """);

        await Assert.ThrowsAsync<GatewayApiException>(
            () => NewClient(handler, logger).GetOrderDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal(7101, entry.EventId.Id);
        Assert.Equal("GatewayCallFailed", entry.EventId.Name);
        Assert.Contains(entry.State, kv => kv.Key == "Kind" && Equals(kv.Value, GatewayFailureKind.Unauthorized));
        Assert.Contains(entry.State, kv => kv.Key == "StatusCode" && Equals(kv.Value, 401));
        Assert.DoesNotContain(ApiSecret, entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthToken, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_ConnectionFails_IsTransport()
    {
        var handler = new FakeGatewayHandler().ThenThrow(FakeGatewayHandler.ConnectionRefused());

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => NewClient(handler).GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Transport, failure.Kind);
        Assert.Null(failure.StatusCode);
        Assert.True(failure.IsTransient);
        Assert.IsType<HttpRequestException>(failure.InnerException);
    }

    [Fact]
    public async Task AnyCall_HttpClientTimeout_IsTimeout()
    {
        var handler = new FakeGatewayHandler().ThenThrow(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.", new TimeoutException()));

        var failure = await Assert.ThrowsAsync<GatewayApiException>(
            () => NewClient(handler).CreateTransactionAsync(Single(), AuthToken, CancellationToken.None));

        Assert.Equal(GatewayFailureKind.Timeout, failure.Kind);
        Assert.True(failure.IsTransient);
    }

    [Fact]
    public async Task AnyCall_CallerCancels_PropagatesCancellationNotAGatewayFailure()
    {
        var handler = new FakeGatewayHandler().ThenHang();
        using var cancellation = new CancellationTokenSource();
        var call = NewClient(handler).GetTransactionDetailsAsync(TransactionId, AuthToken, cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task AnyCall_EmptyApiSecret_ThrowsBeforeSending()
    {
        var handler = new FakeGatewayHandler().OtherwiseRespond(HttpStatusCode.OK, DetailsBody);

        await Assert.ThrowsAsync<InvalidOperationException>(() => NewClient(handler, new FixedGatewaySecrets(new GatewaySecrets("s", "")))
            .GetTransactionDetailsAsync(TransactionId, AuthToken, CancellationToken.None));

        Assert.Empty(handler.Requests);
    }

    private sealed class RotatingSecrets(string initial) : IGatewaySecretSource
    {
        public string Current { get; set; } = initial;

        public ValueTask<GatewaySecrets> GetAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new GatewaySecrets("jwt-signing-secret", Current));
    }
}
