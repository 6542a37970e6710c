using System.Net;
using System.Text.RegularExpressions;
using Gateway.Client.Auth;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Simulator.Api;
using static Gateway.Simulator.Tests.TestSimulator;

namespace Gateway.Simulator.Tests;

public sealed partial class GatewayApiTests : SimulatorTestBase
{
    [GeneratedRegex("^TRX_[0-9a-f]{32}$")]
    private static partial Regex TransactionIdPattern();

    [Fact]
    public async Task CreateTransaction_ValidBasket_ReturnsTransactionIdAndExpiryFromTheClock()
    {
        using var response = await Sim.PostCreateAsync(Body(Buy("RELIANCE", 10), Sell("ITC", 5)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = await JsonAsync(response);
        Assert.True(raw.GetProperty("success").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, raw.GetProperty("errors").ValueKind);
        Assert.Equal("2026-11-27T05:45:00.000Z", raw.GetProperty("data").GetProperty("expireAt").GetString());
        var id = raw.GetProperty("data").GetProperty("transactionId").GetString()!;
        Assert.Matches(TransactionIdPattern(), id);
        Assert.Equal(FridayMorning.AddMinutes(15), Sim.Truth(id).ExpireAt);
    }

    [Theory]
    [InlineData("wrong-api-secret")]
    [InlineData("")]
    public async Task CreateTransaction_WrongApiSecret_Returns401Envelope(string apiSecret)
    {
        using var response = await Sim.PostCreateAsync(Body(Buy("RELIANCE", 1)), apiSecret: apiSecret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var envelope = await EnvelopeAsync<CreatedTransaction>(response);
        Assert.False(envelope.Success);
        Assert.Equal(GatewayErrorTypes.Authentication, envelope.ErrorType);
        Assert.Contains(envelope.Errors!, e => e.Contains(GatewayAuth.SecretHeader, StringComparison.Ordinal));
        Assert.Empty(Sim.Simulation.ListTransactions());
    }

    [Fact]
    public async Task CreateTransaction_TokenSignedWithAnotherSecret_Returns401()
    {
        var forged = new GatewayTokens("not-the-simulator-secret", Sim.Running.Clock).MintGuest();

        using var response = await Sim.PostCreateAsync(Body(Buy("RELIANCE", 1)), forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var envelope = await EnvelopeAsync<CreatedTransaction>(response);
        Assert.False(envelope.Success);
        Assert.Contains(envelope.Errors!, e => e.Contains(nameof(TokenFailure.BadSignature), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJndWVzdCI6dHJ1ZX0.")]
    public async Task CreateTransaction_MalformedOrUnsignedToken_Returns401(string token)
    {
        using var response = await Sim.PostCreateAsync(Body(Buy("RELIANCE", 1)), token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False((await EnvelopeAsync<CreatedTransaction>(response)).Success);
    }

    [Fact]
    public async Task CreateTransaction_MissingToken_Returns401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/gateway/{GatewayName}/transaction")
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(GatewayAuth.SecretHeader, ApiSecret);

        using var response = await Sim.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task CreateTransaction_TokenExpiredOnTheSimulatedClock_Returns401()
    {
        var token = Sim.Running.Tokens.MintGuest(TimeSpan.FromHours(1));
        await Sim.AdvanceAsync(TimeSpan.FromHours(2));

        using var response = await Sim.PostCreateAsync(Body(Buy("RELIANCE", 1)), token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains((await EnvelopeAsync<CreatedTransaction>(response)).Errors!, e => e.Contains(nameof(TokenFailure.Expired), StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateTransaction_UnknownGateway_Returns401()
    {
        using var response = await Sim.PostCreateAsync(Body(Buy("RELIANCE", 1)), gateway: "someone-else");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(GatewayErrorTypes.Authentication, (await EnvelopeAsync<CreatedTransaction>(response)).ErrorType);
    }

    [Theory]
    [InlineData("""{"intent":"SUBSCRIPTION","orderConfig":{"type":"SECURITIES","securities":[{"ticker":"ITC"}]}}""", "intent")]
    [InlineData("""{"intent":"TRANSACTION","orderConfig":{"type":"SMALLCASE","securities":[{"ticker":"ITC"}]}}""", "orderConfig.type")]
    [InlineData("""{"intent":"TRANSACTION"}""", "orderConfig")]
    [InlineData("""{"intent":"TRANSACTION","orderConfig":{"type":"SECURITIES","securities":[]}}""", "orderConfig.securities")]
    [InlineData("""{"intent":"TRANSACTION","orderConfig":{"type":"SECURITIES","securities":[{"ticker":"ITC","quantity":0,"type":"BUY"}]}}""", "orderConfig.securities[0].quantity")]
    [InlineData("""{"intent":"TRANSACTION","orderConfig":{"type":"SECURITIES","securities":[{"ticker":"ITC","quantity":1,"type":"HOLD"}]}}""", "orderConfig.securities[0].type")]
    [InlineData("""{"intent":"TRANSACTION","orderConfig":{"type":"SECURITIES","securities":[{"ticker":"ITC"}],"basket":{"name":"Tech","logoUrl":"http://cdn.example.com/l.png"}}}""", "orderConfig.basket.logoUrl")]
    [InlineData("not json", "not valid JSON")]
    public async Task CreateTransaction_InvalidBody_Returns400InputExceptionNamingTheField(string json, string expectedInError)
    {
        using var response = await Sim.PostCreateRawAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var envelope = await EnvelopeAsync<CreatedTransaction>(response);
        Assert.False(envelope.Success);
        Assert.Null(envelope.Data);
        Assert.Equal(GatewayErrorTypes.Input, envelope.ErrorType);
        Assert.Contains(envelope.Errors!, e => e.Contains(expectedInError, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateTransaction_WithBasketBranding_KeepsItAndTheSdkScreensShowIt()
    {
        var body = CreateTransactionBody.From(new CreateTransactionRequest([Buy("ITC", 1), Buy("INFY", 2)], "ref_9f2c", new BasketBranding("Tech Leaders", "https://cdn.example.com/logo.png")));

        using var response = await Sim.PostCreateAsync(body);
        var id = (await EnvelopeAsync<CreatedTransaction>(response)).Data!.TransactionId;
        var opened = await Sim.StepAsync(id, "open");

        Assert.Equal(new BasketBranding("Tech Leaders", "https://cdn.example.com/logo.png"), Sim.Truth(id).Basket);
        Assert.Equal(new BasketBranding("Tech Leaders", "https://cdn.example.com/logo.png"), opened.Basket);
        Assert.Null(Sim.Truth(await Sim.CreateAsync(Buy("ITC", 1))).Basket);
    }

    [Fact]
    public async Task CreateTransaction_SeveralProblems_ReportsEveryOne()
    {
        var body = Body(new SecurityOrder("reliance", 1, TradeType.Buy), Buy("ITC", 1), new SecurityOrder("ITC"));

        using var response = await Sim.PostCreateAsync(body);

        var errors = (await EnvelopeAsync<CreatedTransaction>(response)).Errors!;
        Assert.Contains(errors, e => e.StartsWith("orderConfig.securities[0].ticker:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("orderConfig.securities[2].ticker:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("every security or for none", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TransactionDetails_NewTransaction_IsInitializedWithoutBrokerOrUser()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));

        var details = await Sim.DetailsAsync(id);

        Assert.Equal(id, details.TransactionId);
        Assert.Equal(TransactionStatus.Initialized, details.Status);
        Assert.Null(details.Details.Error);
        Assert.Null(details.Broker);
        Assert.Null(details.SmallcaseAuthId);
    }

    [Fact]
    public async Task TransactionDetails_WrongApiSecret_Returns401()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));

        using var response = await Sim.GetDetailsRawAsync(id, apiSecret: "nope");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TransactionDetails_UnknownId_Returns404Envelope()
    {
        using var response = await Sim.GetDetailsRawAsync("TRX_00000000000000000000000000000000");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var envelope = await EnvelopeAsync<TransactionDetails>(response);
        Assert.False(envelope.Success);
        Assert.Equal(GatewayErrorTypes.NotFound, envelope.ErrorType);
    }

    [Fact]
    public async Task TransactionDetails_MissingTransactionId_Returns400()
    {
        using var response = await Sim.GetDetailsRawAsync("");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(GatewayErrorTypes.Input, (await EnvelopeAsync<TransactionDetails>(response)).ErrorType);
    }

    [Fact]
    public async Task TransactionDetails_AnotherUsersTransaction_AnsweredLikeAnUnknownId()
    {
        var owner = Sim.Connected("aaaaaaaaaaaaaaaaaaaaaaaa");
        var id = await Sim.CreateAsync(owner, Buy("RELIANCE", 1));

        using var other = await Sim.GetDetailsRawAsync(id, Sim.Connected("bbbbbbbbbbbbbbbbbbbbbbbb"));
        using var unknown = await Sim.GetDetailsRawAsync("TRX_ffffffffffffffffffffffffffffffff");

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(unknown.StatusCode, other.StatusCode);
        Assert.Equal((await EnvelopeAsync<TransactionDetails>(unknown)).ErrorType, (await EnvelopeAsync<TransactionDetails>(other)).ErrorType);
        Assert.Equal("aaaaaaaaaaaaaaaaaaaaaaaa", (await Sim.DetailsAsync(id, owner)).SmallcaseAuthId);
        Assert.Equal(id, (await Sim.DetailsAsync(id, Sim.Guest())).TransactionId);
    }

    [Fact]
    public async Task OrderDetails_CompletedTransactions_FoundByTransactionIdsOrBatchId()
    {
        var first = await Sim.CreateAsync(Buy("RELIANCE", 2));
        var second = await Sim.CreateAsync(Sell("ITC", 3));
        var firstResult = await Sim.CompleteFlowAsync(first);
        await Sim.CompleteFlowAsync(second);
        var firstBatchId = firstResult.OrderBatches.Single().BatchId;

        var both = await Sim.OrderBatchesAsync($"transactionId={first},{second}");
        var byBatch = await Sim.OrderBatchesAsync($"batchId={firstBatchId}");
        var unknown = await Sim.OrderBatchesAsync("transactionId=TRX_ffffffffffffffffffffffffffffffff");

        Assert.Equal(new[] { first, second }.Order(), both.Select(b => b.TransactionId!).Order());
        Assert.Equal(firstBatchId, byBatch.Single().BatchId);
        Assert.Equal(BatchStatus.Completed, byBatch.Single().Status);
        Assert.Empty(unknown);
    }

    [Fact]
    public async Task OrderDetails_NoIds_Returns400()
    {
        using var response = await Sim.GetOrdersRawAsync("transactionId=");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task OrderDetails_AnotherUsersCompletedTransaction_IsNotListed()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 2));
        var authId = (await Sim.LoginAsync(id)).SmallcaseAuthId!;
        await Sim.ConfirmAsync(id);

        Assert.Single(await Sim.OrderBatchesAsync($"transactionId={id}", Sim.Connected(authId)));
        Assert.Empty(await Sim.OrderBatchesAsync($"transactionId={id}", Sim.Connected("cccccccccccccccccccccccc")));
    }
}
