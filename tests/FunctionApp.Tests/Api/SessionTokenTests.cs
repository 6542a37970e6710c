using System.Net;
using FunctionApp.Tests.Infrastructure;
using FunctionApp.Transactions;
using Gateway.Client.Auth;
using TestSupport;

namespace FunctionApp.Tests.Api;

[Collection(SharedAzurite.Name)]
public sealed class SessionTokenTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private AppHarness harness = null!;

    public async Task InitializeAsync() => harness = await AppHarness.StartAsync(azurite);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Post_BeforeAnyLink_ReturnsAGuestToken()
    {
        var before = harness.Simulator.Clock.GetUtcNow();

        var session = (await harness.PostSessionTokenAsync("alice")).AssertStatus(HttpStatusCode.OK).Json;

        Assert.False(session.GetProperty("connected").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, session.GetProperty("broker").ValueKind);
        var claims = await VerifyAsync(session.Property("gatewayToken"));
        Assert.True(claims.Guest);
        Assert.Null(claims.SmallcaseAuthId);
        Assert.InRange(session.GetProperty("expiresAt").GetDateTimeOffset(), before + GatewaySessions.Lifetime, harness.Simulator.Clock.GetUtcNow() + GatewaySessions.Lifetime);
    }

    [Fact]
    public async Task Post_AfterTheSdkResultLinkedAnAccount_ReturnsAConnectedTokenWithTheBroker()
    {
        var (_, authId) = await harness.LinkBrokerAccountAsync("alice", "AB1234");

        var session = (await harness.PostSessionTokenAsync("alice")).AssertStatus(HttpStatusCode.OK).Json;

        Assert.True(session.GetProperty("connected").GetBoolean());
        Assert.Equal("kite", session.Property("broker"));
        var claims = await VerifyAsync(session.Property("gatewayToken"));
        Assert.False(claims.Guest);
        Assert.Equal(authId, claims.SmallcaseAuthId);
    }

    [Fact]
    public async Task Post_AnotherUsersLink_DoesNotConnectThisUser()
    {
        await harness.LinkBrokerAccountAsync("alice", "AB1234");

        var session = (await harness.PostSessionTokenAsync("bob")).AssertStatus(HttpStatusCode.OK).Json;

        Assert.False(session.GetProperty("connected").GetBoolean());
        Assert.True((await VerifyAsync(session.Property("gatewayToken"))).Guest);
    }

    [Fact]
    public async Task Post_ConnectedToken_IsAcceptedByTheGatewayForTheLinkedAccount()
    {
        var (_, authId) = await harness.LinkBrokerAccountAsync("alice", "AB1234");
        var token = (await harness.PostSessionTokenAsync("alice")).AssertStatus(HttpStatusCode.OK).Json.Property("gatewayToken");
        var next = await harness.CreateTransactionAsync("alice", """[{"ticker":"TCS","quantity":1,"type":"BUY"}]""");

        // The user opens the SDK with the session token and logs in without choosing a broker: the linked one is used.
        await harness.SdkStepAsync(next with { GatewayToken = token }, "open", null);
        await harness.SdkStepAsync(next with { GatewayToken = token }, "login", new { });

        var truth = harness.Simulator.Simulation.GetTruth(next.TransactionId)!;
        Assert.Equal(authId, truth.SmallcaseAuthId);
        Assert.Equal("kite", truth.Broker);
    }

    private async Task<GatewayTokenClaims> VerifyAsync(string token)
    {
        var verified = await new GatewayTokens(AppHarness.Secret, harness.Simulator.Clock).VerifyAsync(token);
        Assert.True(verified.IsValid, $"gateway token invalid: {verified.Failure}");
        return verified.Claims!;
    }

    [Fact]
    public async Task Post_WithoutSdkSettings_SaysProductionEveryBrokerAndAmoAllowed()
    {
        var sdk = (await harness.PostSessionTokenAsync("alice")).AssertStatus(HttpStatusCode.OK).Json.GetProperty("sdk");

        Assert.Equal(harness.Simulator.Options.GatewayName, sdk.GetProperty("gateway").GetString());
        Assert.Equal("production", sdk.GetProperty("environment").GetString());
        Assert.False(sdk.GetProperty("testMode").GetBoolean());
        Assert.Empty(sdk.GetProperty("brokers").EnumerateArray());
        Assert.True(sdk.GetProperty("allowAmo").GetBoolean());
    }

    [Fact]
    public async Task SessionTokenAndCreate_AnswerTheConfiguredSdkSetup()
    {
        await using var configured = await AppHarness.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Sdk:Environment"] = "Staging",
            ["Sdk:TestMode"] = "true",
            ["Sdk:Brokers:0"] = "kite",
            ["Sdk:Brokers:1"] = "groww",
            ["Sdk:AllowAmo"] = "false",
        });

        var session = (await configured.PostSessionTokenAsync("alice")).AssertStatus(HttpStatusCode.OK).Json.GetProperty("sdk");
        var created = await configured.CreateTransactionAsync("alice", """[{"ticker":"ITC","quantity":1,"type":"BUY"}]""");

        foreach (var sdk in new[] { session, created.Sdk })
        {
            Assert.Equal("staging", sdk.GetProperty("environment").GetString());
            Assert.True(sdk.GetProperty("testMode").GetBoolean());
            Assert.Equal(["kite", "groww"], sdk.GetProperty("brokers").EnumerateArray().Select(b => b.GetString()));
            Assert.False(sdk.GetProperty("allowAmo").GetBoolean());
        }
    }

    [Theory]
    [InlineData("Sdk:Brokers:0", "zerodha")]
    [InlineData("Sdk:Environment", "sandbox")]
    public async Task Start_WithAnSdkSettingTheSdkCannotTake_FailsNamingIt(string key, string value)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var _ = await AppHarness.StartAsync(azurite, new Dictionary<string, string?> { [key] = value });
        });

        Assert.Contains(value, failure.ToString(), StringComparison.Ordinal);
    }
}
