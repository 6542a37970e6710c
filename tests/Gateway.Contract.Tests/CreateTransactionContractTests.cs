using System.Net;
using Gateway.Client.Auth;
using Gateway.Client.Http;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Simulator.Scenarios;
using static Gateway.Contract.Tests.ContractHarness;

namespace Gateway.Contract.Tests;

public sealed class CreateTransactionContractTests : ContractTestBase
{
    private const string TransactionIdPattern = "^TRX_[0-9a-f]{32}$";

    [Fact]
    public async Task CreateTransaction_SingleStock_ReturnsIdAndExpiryAndSimulatorSawTheOrder()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));

        Assert.Matches(TransactionIdPattern, created.TransactionId);
        Assert.Equal(H.Now + H.Sim.Options.TransactionLifetime, created.ExpireAt);
        var truth = H.Truth(created.TransactionId);
        Assert.Equal([Buy("RELIANCE", 10)], truth.Securities);
        Assert.Equal(Notes, truth.Notes);
        Assert.Equal(created.ExpireAt, truth.ExpireAt);
        Assert.Equal(TransactionStatus.Initialized, truth.Status);
    }

    [Fact]
    public async Task CreateTransaction_WithBasketBranding_SimulatorSawTheNameAndLogo()
    {
        var branding = new BasketBranding("Dividend Leaders", "https://cdn.example.com/dividend.png");

        var created = await H.Client.CreateTransactionAsync(new CreateTransactionRequest([Buy("ITC", 5), Buy("NIFTYBEES", 10)], Notes, branding), H.Guest(), H.Ct);

        Assert.Equal(branding, H.Truth(created.TransactionId).Basket);
    }

    [Fact]
    public async Task CreateTransaction_MixedBuySellBasket_SimulatorSawEverySecurityInOrder()
    {
        SecurityOrder[] basket = [Buy("RELIANCE", 10), Sell("ITC", 5), Buy("NIFTYBEES", 120), Sell("EMBASSY", 3)];

        var created = await H.CreateAsync(basket);

        Assert.Matches(TransactionIdPattern, created.TransactionId);
        var truth = H.Truth(created.TransactionId);
        Assert.Equal(basket, truth.Securities);
        Assert.Equal(Notes, truth.Notes);
    }

    [Fact]
    public async Task CreateTransaction_WithoutQuantityOrType_SentWithoutThemForEverySecurity()
    {
        var created = await H.CreateAsync(new SecurityOrder("RELIANCE"), new SecurityOrder("ITC"));

        Assert.Matches(TransactionIdPattern, created.TransactionId);
        Assert.Equal(H.Now + H.Sim.Options.TransactionLifetime, created.ExpireAt);
        Assert.Equal([new SecurityOrder("RELIANCE"), new SecurityOrder("ITC")], H.Truth(created.TransactionId).Securities);
    }

    [Fact]
    public async Task CreateTransaction_ConnectedToken_TransactionBelongsToThatUser()
    {
        const string authId = "611a21465fc1af22353c1395";

        var created = await H.Client.CreateTransactionAsync(new CreateTransactionRequest([Buy("ITC", 1)]), H.Connected(authId), H.Ct);

        Assert.Equal(authId, H.Truth(created.TransactionId).SmallcaseAuthId);
        Assert.Null(H.Truth(created.TransactionId).Notes);
    }

    public static TheoryData<string, string> InvalidRequests => new()
    {
        { "quantity on some securities only", "securities" },
        { "lower-case ticker", "securities[0].ticker" },
        { "no securities", "securities" },
        { "zero quantity", "securities[0].quantity" },
        { "ticker twice", "securities[1].ticker" },
        { "notes over 256 characters", "notes" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task CreateTransaction_InvalidRequest_ThrowsValidationAndSendsNothing(string problem, string field)
    {
        var request = problem switch
        {
            "quantity on some securities only" => new CreateTransactionRequest([Buy("RELIANCE", 10), new SecurityOrder("ITC")]),
            "lower-case ticker" => new CreateTransactionRequest([Buy("reliance", 10)]),
            "no securities" => new CreateTransactionRequest([]),
            "zero quantity" => new CreateTransactionRequest([Buy("RELIANCE", 0)]),
            "ticker twice" => new CreateTransactionRequest([Buy("ITC", 1), Sell("ITC", 1)]),
            "notes over 256 characters" => new CreateTransactionRequest([Buy("ITC", 1)], new string('n', 257)),
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        var failure = await Assert.ThrowsAsync<GatewayValidationException>(() => H.Client.CreateTransactionAsync(request, H.Guest(), H.Ct));

        Assert.Contains(failure.Errors, error => error.Field == field);
        Assert.Empty(H.Sim.Simulation.ListTransactions());
    }

    [Fact]
    public async Task CreateTransaction_WrongApiSecret_UnauthorizedAndNothingCreated()
    {
        await using var misconfigured = H.CreateClient(secrets: new GatewaySecrets(Secret, "not-the-api-secret"));

        var failure = await Assert.ThrowsAsync<GatewayApiException>(() =>
            misconfigured.Client.CreateTransactionAsync(new CreateTransactionRequest([Buy("ITC", 1)]), H.Guest(), H.Ct));

        Assert.Equal(GatewayFailureKind.Unauthorized, failure.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        Assert.Equal(GatewayOperation.CreateTransaction, failure.Operation);
        Assert.False(failure.IsTransient);
        Assert.Empty(H.Sim.Simulation.ListTransactions());
    }

    [Fact]
    public async Task CreateTransaction_TokenSignedWithAnotherSecret_Unauthorized()
    {
        var forged = new GatewayTokens("another-secret", H.Sim.Clock).MintGuest();

        var failure = await Assert.ThrowsAsync<GatewayApiException>(() =>
            H.Client.CreateTransactionAsync(new CreateTransactionRequest([Buy("ITC", 1)]), forged, H.Ct));

        Assert.Equal(GatewayFailureKind.Unauthorized, failure.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        Assert.Empty(H.Sim.Simulation.ListTransactions());
    }

    [Fact]
    public async Task CreateTransaction_TokenExpiredOnTheGatewayClock_Unauthorized()
    {
        var shortLived = H.Sim.Tokens.MintGuest(TimeSpan.FromMinutes(5));
        await H.AdvanceClockAsync(TimeSpan.FromMinutes(6));

        var failure = await Assert.ThrowsAsync<GatewayApiException>(() =>
            H.Client.CreateTransactionAsync(new CreateTransactionRequest([Buy("ITC", 1)]), shortLived, H.Ct));

        Assert.Equal(GatewayFailureKind.Unauthorized, failure.Kind);
        Assert.Empty(H.Sim.Simulation.ListTransactions());
    }

    [Fact]
    public async Task CreateTransaction_WrongGatewayName_UnauthorizedAsTheSimulatorAnswers401()
    {
        await using var misconfigured = H.CreateClient(options => options.GatewayName = "another-gateway");

        var failure = await Assert.ThrowsAsync<GatewayApiException>(() =>
            misconfigured.Client.CreateTransactionAsync(new CreateTransactionRequest([Buy("ITC", 1)]), H.Guest(), H.Ct));

        Assert.Equal(GatewayFailureKind.Unauthorized, failure.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        Assert.Equal("AuthenticationError", failure.ErrorType);
        Assert.Empty(H.Sim.Simulation.ListTransactions());
    }

    [Fact]
    public async Task CreateTransaction_Gateway503_UnavailableAfterExactlyOneAttempt()
    {
        H.ArmFault(ApiNames.CreateTransaction, new ApiFault { Status = 503, Count = 2 });

        var failure = await Assert.ThrowsAsync<GatewayApiException>(() => H.CreateAsync(Buy("ITC", 1)));

        Assert.Equal(GatewayFailureKind.Unavailable, failure.Kind);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.StatusCode);
        Assert.Equal("SimulatedFault", failure.ErrorType);
        Assert.True(failure.IsTransient);
        Assert.Equal(1, H.FaultCallsLeft(ApiNames.CreateTransaction));
        Assert.Empty(H.Sim.Simulation.ListTransactions());
    }

    [Fact]
    public async Task CreateTransaction_GatewayTimesOut_TimeoutAfterExactlyOneAttempt()
    {
        await using var impatient = H.CreateClient(options =>
        {
            options.AttemptTimeout = TimeSpan.FromSeconds(1);
            options.OverallTimeout = TimeSpan.FromSeconds(10);
        });
        H.ArmFault(ApiNames.CreateTransaction, new ApiFault { Kind = ApiFaultKind.Timeout, Count = 2 });

        var failure = await Assert.ThrowsAsync<GatewayApiException>(() =>
            impatient.Client.CreateTransactionAsync(new CreateTransactionRequest([Buy("ITC", 1)]), H.Guest(), H.Ct));

        Assert.Equal(GatewayFailureKind.Timeout, failure.Kind);
        Assert.Null(failure.StatusCode);
        Assert.Equal(1, H.FaultCallsLeft(ApiNames.CreateTransaction));
        Assert.Empty(H.Sim.Simulation.ListTransactions());
    }

    [Fact]
    public async Task CreateTransaction_AfterAFailedCall_NextCallCreatesOneTransaction()
    {
        H.ArmFault(ApiNames.CreateTransaction, new ApiFault { Status = 500 });
        await Assert.ThrowsAsync<GatewayApiException>(() => H.CreateAsync(Buy("ITC", 1)));

        var created = await H.CreateAsync(Buy("ITC", 1));

        Assert.Equal(created.TransactionId, Assert.Single(H.Sim.Simulation.ListTransactions()).TransactionId);
        Assert.Equal(TradeType.Buy, Assert.Single(H.Truth(created.TransactionId).Securities).Type);
    }
}
