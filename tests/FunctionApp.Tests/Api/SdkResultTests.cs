using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FunctionApp.Tests.Infrastructure;
using Gateway.Client.Auth;
using Microsoft.Extensions.Time.Testing;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Api;

[Collection(SharedAzurite.Name)]
public sealed class SdkResultTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string OneStock = """[{"ticker":"ITC","quantity":1,"type":"BUY"}]""";
    private AppHarness harness = null!;

    public static TheoryData<string> ForgedTokens => new() { "tampered payload", "another secret", "expired", "guest token", "not a JWT" };

    public async Task InitializeAsync()
    {
        harness = await AppHarness.StartAsync(azurite);

        // No webhooks: the inbox then holds exactly what the SDK-result endpoint stored.
        harness.Simulator.Simulation.WebhookUrl = null;
    }

    public async Task DisposeAsync() => await harness.DisposeAsync();

    private UserLinkStore Links => harness.Service<UserLinkStore>();

    [Fact]
    public async Task Post_ValidResult_Returns202AndLinksTheUsersBrokerAccount()
    {
        var created = await harness.CreateTransactionAsync("alice", OneStock);
        var sdkResult = await harness.CompleteSdkFlowAsync(created, accountId: "AB1234");

        var response = await harness.PostSdkResultAsync("alice", created.TransactionId, sdkResult.GetRawText());

        Assert.True(response.AssertStatus(HttpStatusCode.Accepted).Json.GetProperty("recorded").GetBoolean());
        var authId = harness.Simulator.Simulation.GetTruth(created.TransactionId)!.SmallcaseAuthId!;
        var link = await Links.GetByUserAsync("alice", CancellationToken.None);
        Assert.Equal(authId, link!.SmallcaseAuthId);
        Assert.Equal("kite", link.Broker);
        Assert.Equal("alice", await Links.GetOwnerAsync(authId, CancellationToken.None));
        Assert.Equal(1, harness.StoredSdkResultCount(created.TransactionId));
        var session = (await harness.PostSessionTokenAsync("alice")).AssertStatus(HttpStatusCode.OK).Json;
        Assert.True(session.GetProperty("connected").GetBoolean());
        Assert.Equal(authId, (await VerifyAsync(session.Property("gatewayToken"))).SmallcaseAuthId);
    }

    [Fact]
    public async Task Post_SameResultTwice_IsRecordedOnce()
    {
        var created = await harness.CreateTransactionAsync("alice", OneStock);
        var sdkResult = (await harness.CompleteSdkFlowAsync(created, accountId: "AB1234")).GetRawText();

        (await harness.PostSdkResultAsync("alice", created.TransactionId, sdkResult)).AssertStatus(HttpStatusCode.Accepted);
        (await harness.PostSdkResultAsync("alice", created.TransactionId, sdkResult)).AssertStatus(HttpStatusCode.Accepted);

        Assert.Equal(1, harness.StoredSdkResultCount(created.TransactionId));
        Assert.NotNull(await Links.GetByUserAsync("alice", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task Post_ForgedSmallcaseAuthToken_Returns400NamingItAndLinksNothing(string forgery)
    {
        var created = await harness.CreateTransactionAsync("alice", OneStock);
        var envelope = JsonNode.Parse((await harness.CompleteSdkFlowAsync(created, accountId: "AB1234")).GetRawText())!.AsObject();
        var sdkResult = JsonNode.Parse(envelope["data"]!.GetValue<string>())!.AsObject();
        var genuine = sdkResult["smallcaseAuthToken"]!.GetValue<string>();
        const string victim = "611a21465fc1af22353c1395";
        sdkResult["smallcaseAuthToken"] = forgery switch
        {
            "tampered payload" => WithPayload(genuine, $$"""{"smallcaseAuthId":"{{victim}}"}"""),
            "another secret" => new GatewayTokens("not-the-gateway-secret", harness.Simulator.Clock).MintConnected(victim),
            "expired" => new GatewayTokens(AppHarness.Secret, new FakeTimeProvider(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero))).MintConnected(victim),
            "guest token" => new GatewayTokens(AppHarness.Secret, harness.Simulator.Clock).MintGuest(),
            _ => "not-a-jwt",
        };

        envelope["data"] = sdkResult.ToJsonString();
        var response = await harness.PostSdkResultAsync("alice", created.TransactionId, envelope.ToJsonString());

        response.AssertValidationProblem("smallcaseAuthToken");
        Assert.Null(await Links.GetByUserAsync("alice", CancellationToken.None));
        Assert.Null(await Links.GetOwnerAsync(victim, CancellationToken.None));
        Assert.Equal(0, harness.StoredSdkResultCount(created.TransactionId));
    }

    [Fact]
    public async Task Post_BrokerAccountLinkedToAnotherUser_Returns409AndKeepsTheOwner()
    {
        var (_, bobsAuthId) = await harness.LinkBrokerAccountAsync("bob", "SHARED-ACCOUNT");
        var created = await harness.CreateTransactionAsync("alice", OneStock);
        var sdkResult = await harness.CompleteSdkFlowAsync(created, accountId: "SHARED-ACCOUNT");
        Assert.Equal(bobsAuthId, harness.Simulator.Simulation.GetTruth(created.TransactionId)!.SmallcaseAuthId);

        var response = await harness.PostSdkResultAsync("alice", created.TransactionId, sdkResult.GetRawText());

        response.AssertProblem(HttpStatusCode.Conflict);
        Assert.Null(await Links.GetByUserAsync("alice", CancellationToken.None));
        Assert.Equal("bob", await Links.GetOwnerAsync(bobsAuthId, CancellationToken.None));
        Assert.Equal(0, harness.StoredSdkResultCount(created.TransactionId));
    }

    [Fact]
    public async Task Post_AnotherUsersTransaction_Returns404AndBobCanNeitherReadNorLink()
    {
        var alices = await harness.CreateTransactionAsync("alice", OneStock);
        var sdkResult = await harness.CompleteSdkFlowAsync(alices, accountId: "ALICE-ACCOUNT");
        var authId = harness.Simulator.Simulation.GetTruth(alices.TransactionId)!.SmallcaseAuthId!;

        var posted = await harness.PostSdkResultAsync("bob", alices.TransactionId, sdkResult.GetRawText());
        var read = await harness.GetAsync("bob", $"/api/transactions/{alices.TransactionId}");

        posted.AssertProblem(HttpStatusCode.NotFound);
        read.AssertProblem(HttpStatusCode.NotFound);
        Assert.Null(await Links.GetByUserAsync("bob", CancellationToken.None));
        Assert.Null(await Links.GetOwnerAsync(authId, CancellationToken.None));
        Assert.Equal(0, harness.StoredSdkResultCount(alices.TransactionId));
        // Alice's own result still links her: Bob's attempt took nothing from her.
        (await harness.PostSdkResultAsync("alice", alices.TransactionId, sdkResult.GetRawText())).AssertStatus(HttpStatusCode.Accepted);
        Assert.Equal("alice", await Links.GetOwnerAsync(authId, CancellationToken.None));
    }

    [Fact]
    public async Task Post_ResultNamingAnotherTransaction_Returns400AndLinksNothing()
    {
        var alicesOther = await harness.CreateTransactionAsync("alice", OneStock);
        var sdkResult = await harness.CompleteSdkFlowAsync(alicesOther, accountId: "AB1234");
        var target = await harness.CreateTransactionAsync("alice", OneStock);

        var response = await harness.PostSdkResultAsync("alice", target.TransactionId, sdkResult.GetRawText());

        response.AssertValidationProblem("transactionId");
        Assert.Null(await Links.GetByUserAsync("alice", CancellationToken.None));
        Assert.Equal(0, harness.StoredSdkResultCount(target.TransactionId));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"orderBatches":[],"broker":"kite"}""")]
    [InlineData("""{"error":null,"smallcaseAuthToken":""}""")]
    [InlineData("""{"success":true,"data":null}""")]
    public async Task Post_EmptyResult_Returns400(string body)
    {
        var created = await harness.CreateTransactionAsync("alice", OneStock);

        var response = await harness.PostSdkResultAsync("alice", created.TransactionId, body);

        response.AssertValidationProblem("body");
        Assert.Equal(0, harness.StoredSdkResultCount(created.TransactionId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"orderBatches":"many"}""")]
    [InlineData("""{"success":"yes"}""")]
    [InlineData("""{"success":true,"data":"not the order response"}""")]
    [InlineData("""{"success":false,"errorCode":[1001]}""")]
    public async Task Post_MissingOrMalformedBody_Returns400(string body)
    {
        var created = await harness.CreateTransactionAsync("alice", OneStock);

        var response = await harness.PostSdkResultAsync("alice", created.TransactionId, body);

        response.AssertValidationProblem("body");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task Post_BodyNotSentAsJson_Returns415AndStoresNothing(string? contentType)
    {
        var created = await harness.CreateTransactionAsync("alice", OneStock);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"error":{"code":"user_cancelled","message":"User cancelled"}}"""));
        if (contentType is not null)
        {
            content.Headers.ContentType = new(contentType);
        }

        var response = await harness.SendAsync("alice", HttpMethod.Post, $"/api/transactions/{created.TransactionId}/sdk-result", content);

        response.AssertProblem(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(0, harness.StoredSdkResultCount(created.TransactionId));
    }

    [Fact]
    public async Task Post_BareOrderResponse_TheFirstShapeOfThisApi_IsStillAccepted()
    {
        var created = await harness.CreateTransactionAsync("alice", OneStock);
        var envelope = await harness.CompleteSdkFlowAsync(created, accountId: "AB1234");

        var response = await harness.PostSdkResultAsync("alice", created.TransactionId, envelope.GetProperty("data").GetString()!);

        response.AssertStatus(HttpStatusCode.Accepted);
        Assert.Equal(harness.Simulator.Simulation.GetTruth(created.TransactionId)!.SmallcaseAuthId, (await Links.GetByUserAsync("alice", CancellationToken.None))!.SmallcaseAuthId);
    }

    [Theory]
    [InlineData("1001", "user_mismatch")]
    [InlineData("1005", "transaction_expired")]
    [InlineData("1007", "no_broker")]
    [InlineData("\"user_cancelled\"", "user_cancelled")]
    [InlineData("1099", "1099")]
    public async Task Post_SdkFailureEnvelope_HandsTheNamedErrorToTheTracker(string errorCode, string expected)
    {
        var created = await harness.CreateTransactionAsync("alice", OneStock);

        var response = await harness.PostSdkResultAsync("alice", created.TransactionId, $$"""{"success":false,"data":null,"transaction":"TRANSACTION","errorCode":{{errorCode}},"errorMessage":"from the SDK"}""");

        response.AssertStatus(HttpStatusCode.Accepted);
        var signal = Assert.Single(harness.Signals.For(created.TransactionId), hit => hit.Signal.Source == global::Transactions.Orchestration.TrackerSignalSource.SdkResult).Signal;
        Assert.Equal(new Gateway.Client.Transactions.TransactionError(expected, "from the SDK"), signal.SdkError);
        Assert.Null(signal.VerifiedSmallcaseAuthId);
    }

    [Fact]
    public async Task Post_SdkErrorResult_Returns202AndHandsItToTheTracker()
    {
        var created = await harness.CreateTransactionAsync("alice", OneStock);

        var response = await harness.PostSdkResultAsync("alice", created.TransactionId, """{"error":{"code":"user_cancelled","message":"User cancelled"}}""");

        response.AssertStatus(HttpStatusCode.Accepted);
        Assert.Equal(1, harness.StoredSdkResultCount(created.TransactionId));
        Assert.Null(await Links.GetByUserAsync("alice", CancellationToken.None));
    }

    [Theory]
    [InlineData("TRX_00000000000000000000000000000000")]
    [InlineData("not-a-transaction")]
    public async Task Post_UnknownTransaction_Returns404(string transactionId)
    {
        var response = await harness.PostSdkResultAsync("alice", transactionId, """{"error":{"code":"user_cancelled"}}""");

        response.AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Post_BodyOver64KiB_Returns413()
    {
        var created = await harness.CreateTransactionAsync("alice", OneStock);

        var response = await harness.PostSdkResultAsync("alice", created.TransactionId, $$"""{"error":{"code":"user_cancelled"},"padding":"{{new string('x', 70 * 1024)}}"}""");

        response.AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, harness.StoredSdkResultCount(created.TransactionId));
    }

    private async Task<GatewayTokenClaims> VerifyAsync(string token)
    {
        var verified = await new GatewayTokens(AppHarness.Secret, harness.Simulator.Clock).VerifyAsync(token);
        Assert.True(verified.IsValid, $"gateway token invalid: {verified.Failure}");
        return verified.Claims!;
    }

    /// <summary>The same header and signature over another payload: what an attacker editing the token would send.</summary>
    private static string WithPayload(string jwt, string payloadJson)
    {
        var parts = jwt.Split('.');
        parts[1] = Convert.ToBase64String(Encoding.UTF8.GetBytes(payloadJson)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return string.Join('.', parts);
    }
}
