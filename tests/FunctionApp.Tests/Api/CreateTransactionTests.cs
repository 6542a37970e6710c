using System.Net;
using System.Text;
using System.Text.Json;
using FunctionApp.Tests.Infrastructure;
using Gateway.Client.Auth;
using Gateway.Client.Json;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Simulator.Api;
using Gateway.Simulator.Scenarios;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Api;

[Collection(SharedAzurite.Name)]
public sealed class CreateTransactionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string SingleStock = """{"securities":[{"ticker":"RELIANCE","quantity":2,"type":"BUY"}]}""";
    private const string MixedBasket = $$"""{"securities":{{AppRequests.Basket}}}""";
    private AppHarness harness = null!;

    public async Task InitializeAsync() => harness = await AppHarness.StartAsync(azurite);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Create_SingleStock_Returns201WithIdGuestTokenAndGatewayExpiry()
    {
        var response = (await harness.PostTransactionAsync("alice", SingleStock, "key-1")).AssertStatus(HttpStatusCode.Created);

        var body = response.Json;
        var transactionId = body.Property("transactionId");
        Assert.Matches("^TRX_[0-9a-f]{32}$", transactionId);
        Assert.Equal($"/api/transactions/{transactionId}", response.Headers.Location?.OriginalString);
        var truth = harness.Simulator.Simulation.GetTruth(transactionId)!;
        // The Gateway's expireAt travels with millisecond precision.
        Assert.Equal(truth.ExpireAt, body.GetProperty("expireAt").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        var token = await VerifyGatewayTokenAsync(body.Property("gatewayToken"));
        Assert.True(token.Guest);
        Assert.Null(token.SmallcaseAuthId);
        Assert.Equal([new SecurityOrder("RELIANCE", 2, TradeType.Buy)], truth.Securities);
    }

    [Fact]
    public async Task Create_MixedBasket_SendsEverySecurityAndAnOpaqueNotesReference()
    {
        var body = (await harness.PostTransactionAsync("alice", MixedBasket, "key-1")).AssertStatus(HttpStatusCode.Created).Json;

        var transactionId = body.Property("transactionId");
        var truth = harness.Simulator.Simulation.GetTruth(transactionId)!;
        Assert.Equal(
            [new SecurityOrder("RELIANCE", 2, TradeType.Buy), new SecurityOrder("ITC", 5, TradeType.Sell), new SecurityOrder("NIFTYBEES", 10, TradeType.Buy)],
            truth.Securities);
        Assert.True(NotesRefStore.IsWellFormed(truth.Notes), truth.Notes);
        Assert.DoesNotContain("alice", truth.Notes, StringComparison.OrdinalIgnoreCase);
        var mapping = await harness.Service<NotesRefStore>().GetAsync(truth.Notes!, CancellationToken.None);
        Assert.Equal(new NotesRefRecord(truth.Notes!, "alice", transactionId, mapping!.CreatedAt), mapping);
        Assert.Equal(truth.Notes, (await harness.Service<TransactionStore>().GetAsync(transactionId, CancellationToken.None))!.Record.NotesRef);
    }

    [Fact]
    public async Task Create_EachTransaction_GetsItsOwnNotesReference()
    {
        var first = (await harness.PostTransactionAsync("alice", SingleStock, "key-1")).AssertStatus(HttpStatusCode.Created).Json.Property("transactionId");
        var second = (await harness.PostTransactionAsync("alice", SingleStock, "key-2")).AssertStatus(HttpStatusCode.Created).Json.Property("transactionId");

        Assert.NotEqual(first, second);
        Assert.NotEqual(harness.Simulator.Simulation.GetTruth(first)!.Notes, harness.Simulator.Simulation.GetTruth(second)!.Notes);
    }

    [Fact]
    public async Task Create_AfterTheUserLinkedABrokerAccount_ReturnsAConnectedToken()
    {
        var (_, authId) = await harness.LinkBrokerAccountAsync("alice", "AB1234");

        var body = (await harness.PostTransactionAsync("alice", SingleStock, "key-after-link")).AssertStatus(HttpStatusCode.Created).Json;

        var token = await VerifyGatewayTokenAsync(body.Property("gatewayToken"));
        Assert.False(token.Guest);
        Assert.Equal(authId, token.SmallcaseAuthId);
        Assert.Equal("kite", body.Property("broker"));
        // The Gateway saw the connected token too: the transaction belongs to that account from the start.
        Assert.Equal(authId, harness.Simulator.Simulation.GetTruth(body.Property("transactionId"))!.SmallcaseAuthId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has spaces")]
    [InlineData("slash/not-allowed")]
    public async Task Create_MissingOrInvalidIdempotencyKey_Returns400NamingTheHeader(string? key)
    {
        var response = await harness.PostTransactionAsync("alice", SingleStock, key);

        response.AssertValidationProblem("Idempotency-Key");
        Assert.Equal(0, harness.GatewayTransactionCount());
    }

    [Fact]
    public async Task Create_IdempotencyKeyOver100Characters_Returns400()
    {
        var response = await harness.PostTransactionAsync("alice", SingleStock, new string('k', 101));

        response.AssertValidationProblem("Idempotency-Key");
    }

    [Theory]
    [InlineData("""{"securities":[{"ticker":"ITC",""")]
    [InlineData("not json")]
    [InlineData("""["ITC"]""")]
    [InlineData("null")]
    [InlineData("""{"securities":[{"ticker":"ITC","quantity":"many","type":"BUY"}]}""")]
    public async Task Create_MalformedJson_Returns400(string body)
    {
        var response = await harness.PostTransactionAsync("alice", body, "key-1");

        response.AssertValidationProblem("body");
        Assert.Equal(0, harness.GatewayTransactionCount());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task Create_BodyNotSentAsJson_Returns415StoresNothingAndCallsNoGateway(string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(SingleStock));
        if (contentType is not null)
        {
            content.Headers.ContentType = new(contentType);
        }

        var response = await harness.SendAsync("alice", HttpMethod.Post, "/api/transactions", content, request => request.Headers.Add("Idempotency-Key", "key-1"));

        var problem = response.AssertProblem(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("JSON", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, harness.GatewayTransactionCount());
        // Nothing was recorded under the key: the same key with a JSON body creates the transaction.
        (await harness.PostTransactionAsync("alice", SingleStock, "key-1")).AssertStatus(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.platform.order+json")]
    public async Task Create_JsonMediaTypes_AreAccepted(string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(SingleStock));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);

        var response = await harness.SendAsync("alice", HttpMethod.Post, "/api/transactions", content, request => request.Headers.Add("Idempotency-Key", "key-1"));

        response.AssertStatus(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("""{"securities":[{"ticker":"ITC","quantity":"5","type":"BUY"}]}""")]
    [InlineData("""{"securities":[{"ticker":"ITC","quantity":"1e1","type":"BUY"}]}""")]
    public async Task Create_QuantityAsAJsonString_Returns400AndCallsNoGateway(string body)
    {
        var response = await harness.PostTransactionAsync("alice", body, "key-1");

        var problem = response.AssertValidationProblem("body");
        Assert.Contains("quantity", problem.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, harness.GatewayTransactionCount());
    }

    [Fact]
    public async Task Create_EmptyBody_Returns400()
    {
        var response = await harness.PostTransactionAsync("alice", "", "key-1");

        response.AssertValidationProblem("body");
    }

    [Fact]
    public async Task Create_InvalidSecurities_Returns400ListingEveryField()
    {
        var body = """
            {"securities":[
              {"ticker":"reliance","quantity":2,"type":"BUY"},
              {"ticker":"ITC","quantity":0,"type":"HOLD"},
              {"ticker":"ITC","quantity":1000001,"type":"SELL"}
            ]}
            """;

        var problem = (await harness.PostTransactionAsync("alice", body, "key-1"))
            .AssertValidationProblem("securities[0].ticker", "securities[1].quantity", "securities[1].type", "securities[2].quantity", "securities[2].ticker");

        Assert.Contains("more than once", problem.GetProperty("errors").GetProperty("securities[2].ticker")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, harness.GatewayTransactionCount());
    }

    [Theory]
    [InlineData("""{"securities":[]}""")]
    [InlineData("""{}""")]
    [InlineData("""{"securities":null}""")]
    [InlineData("""{"securities":[{"ticker":"ITC","quantity":1,"type":"BUY"},{"ticker":"TCS"}]}""")]
    public async Task Create_NoSecuritiesOrQuantitiesForOnlySome_Returns400OnSecurities(string body)
    {
        var response = await harness.PostTransactionAsync("alice", body, "key-1");

        response.AssertValidationProblem("securities");
        Assert.Equal(0, harness.GatewayTransactionCount());
    }

    [Fact]
    public async Task Create_TickersOnlyWithoutQuantities_IsAllowed()
    {
        var body = (await harness.PostTransactionAsync("alice", """{"securities":[{"ticker":"ITC"},{"ticker":"TCS"}]}""", "key-1"))
            .AssertStatus(HttpStatusCode.Created).Json;

        Assert.Equal([new SecurityOrder("ITC"), new SecurityOrder("TCS")], harness.Simulator.Simulation.GetTruth(body.Property("transactionId"))!.Securities);
    }

    [Fact]
    public async Task Create_UnknownJsonFields_AreIgnored()
    {
        var body = """{"securities":[{"ticker":"ITC","quantity":1,"type":"BUY","exchange":"NSE","limitPrice":1.5}],"basket":{"name":"x"},"notes":"user-42"}""";

        var created = (await harness.PostTransactionAsync("alice", body, "key-1")).AssertStatus(HttpStatusCode.Created).Json;

        var truth = harness.Simulator.Simulation.GetTruth(created.Property("transactionId"))!;
        Assert.Equal([new SecurityOrder("ITC", 1, TradeType.Buy)], truth.Securities);
        // A client cannot choose the notes: the Gateway always gets the opaque reference.
        Assert.True(NotesRefStore.IsWellFormed(truth.Notes), truth.Notes);
    }

    [Fact]
    public async Task Create_BodyOver64KiB_Returns413()
    {
        var response = await harness.PostTransactionAsync("alice", OversizedBody(), "key-1");

        response.AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, harness.GatewayTransactionCount());
    }

    [Fact]
    public async Task Create_ChunkedBodyOver64KiB_Returns413()
    {
        var response = await harness.SendAsync("alice", HttpMethod.Post, "/api/transactions", new ChunkedJsonContent(Encoding.UTF8.GetBytes(OversizedBody())), request =>
            request.Headers.Add("Idempotency-Key", "key-1"));

        response.AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, harness.GatewayTransactionCount());
    }

    [Fact]
    public async Task Create_SameKeySameBody_ReplaysTheTransactionWithoutASecondGatewayCall()
    {
        var first = (await harness.PostTransactionAsync("alice", MixedBasket, "key-1")).AssertStatus(HttpStatusCode.Created).Json;

        // Same securities, written differently: the request is compared by content, not by bytes.
        var reformatted = """
            { "securities": [ {"type":"BUY","quantity":2,"ticker":"RELIANCE"}, {"ticker":"ITC","type":"SELL","quantity":5}, {"ticker":"NIFTYBEES","quantity":10,"type":"BUY"} ] }
            """;
        var second = (await harness.PostTransactionAsync("alice", reformatted, "key-1")).AssertStatus(HttpStatusCode.OK).Json;

        Assert.Equal(first.Property("transactionId"), second.Property("transactionId"));
        Assert.Equal(first.GetProperty("expireAt").GetDateTimeOffset(), second.GetProperty("expireAt").GetDateTimeOffset());
        Assert.True((await VerifyGatewayTokenAsync(second.Property("gatewayToken"))).Guest);
        Assert.Equal(1, harness.GatewayTransactionCount());
    }

    [Fact]
    public async Task Create_SameKeyDifferentBody_Returns422AndCreatesNothingNew()
    {
        (await harness.PostTransactionAsync("alice", MixedBasket, "key-1")).AssertStatus(HttpStatusCode.Created);

        var response = await harness.PostTransactionAsync("alice", SingleStock, "key-1");

        response.AssertProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(1, harness.GatewayTransactionCount());
    }

    [Fact]
    public async Task Create_SameKeyForAnotherUser_IsAnotherRequest()
    {
        var alice = (await harness.PostTransactionAsync("alice", SingleStock, "shared-key")).AssertStatus(HttpStatusCode.Created).Json;

        var bob = (await harness.PostTransactionAsync("bob", SingleStock, "shared-key")).AssertStatus(HttpStatusCode.Created).Json;

        Assert.NotEqual(alice.Property("transactionId"), bob.Property("transactionId"));
        Assert.Equal(2, harness.GatewayTransactionCount());
    }

    [Fact]
    public async Task Create_SameKeyStillInProgress_Returns409ThenSucceedsOnceItIsAbandoned()
    {
        var idempotency = harness.Service<IdempotencyStore>();
        var inFlight = await idempotency.TryBeginAsync("alice", "key-1", HashOf(SingleStock), CancellationToken.None);
        Assert.Equal(IdempotencyOutcome.Started, inFlight.Outcome);

        var concurrent = await harness.PostTransactionAsync("alice", SingleStock, "key-1");

        concurrent.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(0, harness.GatewayTransactionCount());
        await idempotency.AbandonAsync("alice", "key-1", inFlight.ETag, CancellationToken.None);
        (await harness.PostTransactionAsync("alice", SingleStock, "key-1")).AssertStatus(HttpStatusCode.Created);
        Assert.Equal(1, harness.GatewayTransactionCount());
    }

    [Theory]
    [InlineData(400)]
    [InlineData(422)]
    [InlineData(200)] // success:false in a 200 answer is a refusal too (the fault board takes any status when armed directly)
    public async Task Create_GatewayRefuses_Returns422WithErrorTypeAndTheKeyCanBeRetried(int gatewayStatus)
    {
        ArmCreateFault(new ApiFault { Kind = ApiFaultKind.Status, Status = gatewayStatus });

        var problem = (await harness.PostTransactionAsync("alice", SingleStock, "key-1")).AssertProblem(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(GatewayErrorTypes.SimulatedFault, problem.Property("errorType"));
        Assert.Contains($"HTTP {gatewayStatus}", problem.Property("detail"), StringComparison.Ordinal);
        Assert.Equal(0, harness.GatewayTransactionCount());
        (await harness.PostTransactionAsync("alice", SingleStock, "key-1")).AssertStatus(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Create_GatewayServerError_Returns502AndARetryWithTheSameKeySucceeds(int gatewayStatus)
    {
        ArmCreateFault(new ApiFault { Kind = ApiFaultKind.Status, Status = gatewayStatus });

        var failed = await harness.PostTransactionAsync("alice", SingleStock, "key-1");

        failed.AssertProblem(HttpStatusCode.BadGateway);
        Assert.Equal(0, harness.GatewayTransactionCount());
        var retried = (await harness.PostTransactionAsync("alice", SingleStock, "key-1")).AssertStatus(HttpStatusCode.Created).Json;
        Assert.NotNull(harness.Simulator.Simulation.GetTruth(retried.Property("transactionId")));
        Assert.Equal(1, harness.GatewayTransactionCount());
    }

    [Fact]
    public async Task Create_GatewayTimesOut_Returns504AndARetryWithTheSameKeySucceeds()
    {
        // The hang outlasts the app's 5 s attempt timeout; the create call is never retried by the client itself.
        ArmCreateFault(new ApiFault { Kind = ApiFaultKind.Timeout, Duration = TimeSpan.FromSeconds(20) });

        var failed = await harness.PostTransactionAsync("alice", SingleStock, "key-1");

        failed.AssertProblem(HttpStatusCode.GatewayTimeout);
        Assert.Equal(0, harness.GatewayTransactionCount());
        (await harness.PostTransactionAsync("alice", SingleStock, "key-1")).AssertStatus(HttpStatusCode.Created);
        Assert.Equal(1, harness.GatewayTransactionCount());
    }

    [Fact]
    public async Task Create_StorageUnavailable_Returns503WithRetryAfterAndNoGatewayCall()
    {
        harness.Tables.Disable();

        var response = await harness.PostTransactionAsync("alice", SingleStock, "key-1");

        response.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(0, harness.GatewayTransactionCount());
        harness.Tables.Enable();
        (await harness.PostTransactionAsync("alice", SingleStock, "key-1")).AssertStatus(HttpStatusCode.Created);
    }

    private void ArmCreateFault(ApiFault fault) =>
        harness.Simulator.Simulation.Faults.Arm(new Dictionary<string, ApiFault> { [ApiNames.CreateTransaction] = fault });

    private async Task<GatewayTokenClaims> VerifyGatewayTokenAsync(string token)
    {
        var verified = await new GatewayTokens(AppHarness.Secret, harness.Simulator.Clock).VerifyAsync(token);
        Assert.True(verified.IsValid, $"gateway token invalid: {verified.Failure}");
        return verified.Claims!;
    }

    /// <summary>The request hash exactly as the app computes it: the securities, serialised with the wire options.</summary>
    private static string HashOf(string body)
    {
        var securities = JsonSerializer.Deserialize<JsonElement>(body).GetProperty("securities").Deserialize<List<SecurityOrder>>(GatewayJson.Options)!;
        return IdempotencyStore.HashRequest(JsonSerializer.SerializeToUtf8Bytes<IReadOnlyList<SecurityOrder>>(securities, GatewayJson.Options));
    }

    private static string OversizedBody() =>
        $$"""{"securities":[{"ticker":"ITC","quantity":1,"type":"BUY"}],"padding":"{{new string('x', 70 * 1024)}}"}""";

    /// <summary>A body sent without Content-Length (chunked), so the size limit must hold while reading.</summary>
    private sealed class ChunkedJsonContent : HttpContent
    {
        private readonly byte[] bytes;

        public ChunkedJsonContent(byte[] bytes)
        {
            this.bytes = bytes;
            Headers.ContentType = new("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task Create_WithBasketNameAndLogo_PassesThemToTheGateway()
    {
        const string body = """{"securities":[{"ticker":"ITC","quantity":1,"type":"BUY"}],"basket":{"name":"Tech Leaders","logoUrl":"https://cdn.example.com/logo.png"}}""";

        var id = (await harness.PostTransactionAsync("alice", body, "key-basket")).AssertStatus(HttpStatusCode.Created).Json.Property("transactionId");

        Assert.Equal(new BasketBranding("Tech Leaders", "https://cdn.example.com/logo.png"), harness.Simulator.Simulation.GetTruth(id)!.Basket);
    }

    [Theory]
    [InlineData("""{"name":"Tech","logoUrl":"javascript:alert(1)"}""", "basket.logoUrl")]
    [InlineData("""{"name":""}""", "basket.name")]
    [InlineData("{}", "basket")]
    public async Task Create_WithBadBasketBranding_Returns400NamingItAndCallsNoGateway(string basket, string field)
    {
        var body = $$"""{"securities":[{"ticker":"ITC","quantity":1,"type":"BUY"}],"basket":{{basket}}}""";

        var response = await harness.PostTransactionAsync("alice", body, "key-bad-basket");

        response.AssertValidationProblem(field);
        Assert.Equal(0, harness.GatewayTransactionCount());
    }
}
