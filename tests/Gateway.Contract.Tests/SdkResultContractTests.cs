using System.Text.Json;
using Gateway.Client.Auth;
using Gateway.Client.Json;
using Gateway.Client.Transactions;
using static Gateway.Contract.Tests.ContractHarness;

namespace Gateway.Contract.Tests;

public sealed class SdkResultContractTests : ContractTestBase
{
    [Fact]
    public async Task Confirm_SdkResult_AuthTokenVerifiesWithTheSecretAndCarriesTheLoginAuthId()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        var login = await H.LoginAsync(created.TransactionId, "kite", "AB1234");

        var result = await H.ConfirmAsync(created.TransactionId);

        var verified = await new GatewayTokens(Secret, H.Sim.Clock).VerifyAsync(result.SmallcaseAuthToken);
        Assert.True(verified.IsValid, verified.Failure.ToString());
        Assert.False(verified.Claims!.Guest);
        Assert.Equal(login.SmallcaseAuthId, verified.Claims.SmallcaseAuthId);
        Assert.Equal((await H.DetailsAsync(created.TransactionId)).SmallcaseAuthId, verified.Claims.SmallcaseAuthId);
        var withAnotherSecret = await new GatewayTokens("another-secret", H.Sim.Clock).VerifyAsync(result.SmallcaseAuthToken);
        Assert.Equal(TokenFailure.BadSignature, withAnotherSecret.Failure);
        Assert.Equal(created.TransactionId, result.TransactionId);
        Assert.Equal("kite", result.Broker);
        Assert.Equal(Notes, result.Notes);
    }

    [Fact]
    public async Task Confirm_InMarketHours_SdkResultBatchesEqualOrderDetails()
    {
        var (id, result) = await H.TradeAsync(Buy("RELIANCE", 10), Sell("ITC", 5));

        var orders = await H.OrdersAsync(id);

        Assert.NotEmpty(orders.OrderBatches);
        Assert.Equal(
            JsonSerializer.Serialize(orders.OrderBatches, GatewayJson.Options),
            JsonSerializer.Serialize(result.OrderBatches, GatewayJson.Options));
    }

    [Fact]
    public async Task Confirm_SameBrokerAccountNextTime_SameAuthIdWhoseConnectedTokenReadsBoth()
    {
        var first = await H.CreateAsync(Buy("RELIANCE", 1));
        await H.LoginAsync(first.TransactionId, "kite", "AB1234");
        var firstResult = await H.ConfirmAsync(first.TransactionId);
        var authId = (await new GatewayTokens(Secret, H.Sim.Clock).VerifyAsync(firstResult.SmallcaseAuthToken)).Claims!.SmallcaseAuthId!;

        var connected = H.Connected(authId);
        var second = await H.Client.CreateTransactionAsync(new CreateTransactionRequest([Buy("ITC", 2)]), connected, H.Ct);
        await H.LoginAsync(second.TransactionId, "kite", "AB1234");
        var secondResult = await H.ConfirmAsync(second.TransactionId);

        var secondAuthId = (await new GatewayTokens(Secret, H.Sim.Clock).VerifyAsync(secondResult.SmallcaseAuthToken)).Claims!.SmallcaseAuthId;
        Assert.Equal(authId, secondAuthId);
        Assert.Equal(TransactionStatus.Completed, (await H.DetailsAsync(first.TransactionId, connected)).Status);
        Assert.Equal(TransactionStatus.Completed, (await H.DetailsAsync(second.TransactionId, connected)).Status);
    }

    [Fact]
    public async Task FailedFlow_SdkEnvelope_ReadsBackToTheErrorTheGatewayReports()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        await H.AdvanceClockAsync(H.Sim.Options.TransactionLifetime + TimeSpan.FromSeconds(1));

        using var step = await H.SdkAsync(created.TransactionId, "open");
        using var problem = JsonDocument.Parse(await step.Content.ReadAsStringAsync(H.Ct));

        Assert.True(Gateway.Client.Sdk.SdkResult.TryRead<Gateway.Client.Orders.OrderResponse>(problem.RootElement.GetProperty("sdkResult"), GatewayJson.Options, out _, out var error, out var malformed), malformed);
        Assert.Equal((await H.DetailsAsync(created.TransactionId)).Details.Error!.Code, error!.Code);
        Assert.Equal("transaction_expired", error.Code);
    }
}
