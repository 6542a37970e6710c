using System.Net;
using Gateway.Client.Auth;
using Gateway.Client.Http;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Simulator.Scenarios;
using static Gateway.Contract.Tests.ContractHarness;

namespace Gateway.Contract.Tests;

public sealed class TransactionDetailsContractTests : ContractTestBase
{
    private const string AnotherUsersAuthId = "0123456789abcdef01234567";

    [Fact]
    public async Task GetTransactionDetails_AfterCreate_Initialized()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));

        var details = await H.DetailsAsync(created.TransactionId);

        Assert.Equal(created.TransactionId, details.TransactionId);
        Assert.Equal(TransactionStatus.Initialized, details.Status);
        Assert.Null(details.Details.Error);
        Assert.Null(details.SmallcaseAuthId);
        Assert.Null(details.Broker);
    }

    [Fact]
    public async Task GetTransactionDetails_AfterBrokerLogin_UsedWithBrokerAndAuthId()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        var login = await H.LoginAsync(created.TransactionId, "upstox");

        var details = await H.DetailsAsync(created.TransactionId);

        Assert.Equal(TransactionStatus.Used, details.Status);
        Assert.Equal("upstox", details.Broker);
        Assert.Equal(login.SmallcaseAuthId, details.SmallcaseAuthId);
        Assert.Matches("^[0-9a-f]{24}$", details.SmallcaseAuthId);
    }

    [Fact]
    public async Task GetTransactionDetails_AfterConfirmInMarketHours_Completed()
    {
        var (id, _) = await H.TradeAsync(Buy("RELIANCE", 10), Sell("ITC", 5));

        var details = await H.DetailsAsync(id);

        Assert.Equal(TransactionStatus.Completed, details.Status);
        Assert.True(details.Status.IsTerminal);
        Assert.Null(details.Details.Error);
        Assert.Equal("kite", details.Broker);
    }

    [Fact]
    public async Task GetTransactionDetails_AfterUserCancels_ErroredUserCancelled()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        await H.LoginAsync(created.TransactionId);
        await H.StepAsync(created.TransactionId, "cancel");

        var details = await H.DetailsAsync(created.TransactionId);

        Assert.Equal(TransactionStatus.Errored, details.Status);
        Assert.Equal("user_cancelled", details.Details.Error?.Code);
        Assert.Empty((await H.OrdersAsync(created.TransactionId)).OrderBatches);
    }

    [Fact]
    public async Task GetTransactionDetails_UserContinuesAfterExpireAt_ErroredTransactionExpired()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        await H.StepAsync(created.TransactionId, "open");
        await H.MoveClockToAsync(created.ExpireAt.AddSeconds(1));

        using var step = await H.SdkAsync(created.TransactionId, "broker", new Simulator.Api.SdkBrokerChoice("kite"));
        var details = await H.DetailsAsync(created.TransactionId);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, step.StatusCode);
        Assert.Equal(TransactionStatus.Errored, details.Status);
        Assert.Equal("transaction_expired", details.Details.Error?.Code);
    }

    [Fact]
    public async Task GetTransactionDetails_ConnectedUserLogsInWithAnotherAccount_ErroredUserMismatch()
    {
        var created = await H.Client.CreateTransactionAsync(
            new CreateTransactionRequest([Buy("RELIANCE", 10)]), H.Connected(AnotherUsersAuthId), H.Ct);
        await H.StepAsync(created.TransactionId, "open");
        await H.StepAsync(created.TransactionId, "broker", new Simulator.Api.SdkBrokerChoice("kite"));

        using var step = await H.SdkAsync(created.TransactionId, "login", new Simulator.Api.SdkLogin("ANOTHER-ACCOUNT"));
        var details = await H.DetailsAsync(created.TransactionId);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, step.StatusCode);
        Assert.Equal(TransactionStatus.Errored, details.Status);
        Assert.Equal("user_mismatch", details.Details.Error?.Code);
        Assert.Equal(AnotherUsersAuthId, details.SmallcaseAuthId);
    }

    [Fact]
    public async Task GetTransactionDetails_BrokerTakesNoAmoAndTheMarketIsClosed_ErroredMarketClosed()
    {
        await H.MoveClockToAsync(FridayEvening);
        H.UseScenario(Scenario.Default with { AmoAllowed = false });
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        await H.LoginAsync(created.TransactionId);

        using var step = await H.SdkAsync(created.TransactionId, "confirm");
        var details = await H.DetailsAsync(created.TransactionId);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, step.StatusCode);
        Assert.Equal(TransactionStatus.Errored, details.Status);
        Assert.Equal("market_closed", details.Details.Error?.Code);
        Assert.Empty((await H.OrdersAsync(created.TransactionId)).OrderBatches);
    }

    [Fact]
    public async Task GetTransactionDetails_SdkEndsTheFlowAtConfirm_ErroredWithThatCodeAndMessage()
    {
        H.UseScenario(Scenario.Default with { ConfirmError = new TransactionError("insufficient_holdings", "Not enough ITC to sell.") });
        var created = await H.CreateAsync(Sell("ITC", 50));
        await H.LoginAsync(created.TransactionId);

        using var step = await H.SdkAsync(created.TransactionId, "confirm");
        var details = await H.DetailsAsync(created.TransactionId);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, step.StatusCode);
        Assert.Equal(new TransactionError("insufficient_holdings", "Not enough ITC to sell."), details.Details.Error);
        Assert.Equal(TransactionStatus.Errored, details.Status);
    }

    [Fact]
    public async Task GetTransactionDetails_NeverOpenedPastExpireAt_StaysInitialized()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        await H.MoveClockToAsync(created.ExpireAt.AddHours(6));

        var details = await H.DetailsAsync(created.TransactionId);

        Assert.Equal(TransactionStatus.Initialized, details.Status);
        Assert.False(details.Status.IsTerminal);
        Assert.Null(details.Details.Error);
    }

    [Fact]
    public async Task GetTransactionDetails_LoggedInThenAbandonedPastExpireAt_StaysUsed()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        await H.LoginAsync(created.TransactionId);
        await H.MoveClockToAsync(created.ExpireAt.AddHours(6));

        var details = await H.DetailsAsync(created.TransactionId);

        Assert.Equal(TransactionStatus.Used, details.Status);
        Assert.Null(details.Details.Error);
    }

    [Fact]
    public async Task GetTransactionDetails_AmoPlacedOutsideMarketHours_ProcessingUntilTheNextSession()
    {
        await H.MoveClockToAsync(FridayEvening);
        var (id, sdkResult) = await H.TradeAsync(Buy("RELIANCE", 10), Sell("ITC", 5));

        var evening = await H.DetailsAsync(id);
        await H.MoveClockToAsync(MondayOpen.AddMinutes(-1));
        var beforeOpen = await H.DetailsAsync(id);
        await H.MoveClockToAsync(MondayOpen);
        var afterOpen = await H.DetailsAsync(id);

        var placed = Assert.Single(sdkResult.OrderBatches);
        Assert.Equal(OrderVariety.Amo, placed.Variety);
        Assert.All(placed.Orders, order => Assert.Equal(StockOrderStatus.Placed, order.Status));
        Assert.Equal(TransactionStatus.Processing, evening.Status);
        Assert.Equal(TransactionStatus.Processing, beforeOpen.Status);
        Assert.Equal(TransactionStatus.Completed, afterOpen.Status);
        var executed = Assert.Single((await H.OrdersAsync(id)).OrderBatches);
        Assert.Equal(OrderVariety.Amo, executed.Variety);
        Assert.Equal(MondayOpen, executed.CompletedDate);
        Assert.All(executed.Orders, order => Assert.Equal(StockOrderStatus.Complete, order.Status));
    }

    [Fact]
    public async Task GetTransactionDetails_ConnectedTokenOfAnotherUser_RejectedAsNotFound()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        var owner = (await H.LoginAsync(created.TransactionId)).SmallcaseAuthId!;

        var failure = await Assert.ThrowsAsync<GatewayApiException>(() => H.DetailsAsync(created.TransactionId, H.Connected(AnotherUsersAuthId)));
        var ownView = await H.DetailsAsync(created.TransactionId, H.Connected(owner));

        Assert.Equal(GatewayFailureKind.Rejected, failure.Kind);
        Assert.Equal(HttpStatusCode.NotFound, failure.StatusCode);
        Assert.False(failure.IsTransient);
        Assert.Equal(TransactionStatus.Used, ownView.Status);
    }

    [Fact]
    public async Task GetTransactionDetails_UnknownTransaction_RejectedAsNotFound()
    {
        var failure = await Assert.ThrowsAsync<GatewayApiException>(() => H.DetailsAsync("TRX_" + new string('0', 32)));

        Assert.Equal(GatewayFailureKind.Rejected, failure.Kind);
        Assert.Equal(HttpStatusCode.NotFound, failure.StatusCode);
        Assert.Equal("NotFoundError", failure.ErrorType);
        Assert.Equal(GatewayOperation.GetTransactionDetails, failure.Operation);
    }

    [Fact]
    public async Task GetTransactionDetails_IdNotOfTheGatewayForm_RefusedBeforeSending()
    {
        H.ArmFault(ApiNames.TransactionDetails, new ApiFault { Status = 503 });

        await Assert.ThrowsAsync<ArgumentException>(() => H.DetailsAsync("TRX_1&batchId=x"));

        Assert.Equal(1, H.FaultCallsLeft(ApiNames.TransactionDetails));
    }

    [Fact]
    public async Task GetTransactionDetails_WrongApiSecret_Unauthorized()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        await using var misconfigured = H.CreateClient(secrets: new GatewaySecrets(Secret, "not-the-api-secret"));

        var failure = await Assert.ThrowsAsync<GatewayApiException>(() =>
            misconfigured.Client.GetTransactionDetailsAsync(created.TransactionId, H.Guest(), H.Ct));

        Assert.Equal(GatewayFailureKind.Unauthorized, failure.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
    }

    [Fact]
    public async Task GetTransactionDetails_Two503sThenAnswer_RetriedAndSucceeds()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        H.ArmFault(ApiNames.TransactionDetails, new ApiFault { Status = 503, Count = 2 });

        var details = await H.DetailsAsync(created.TransactionId);

        Assert.Equal(TransactionStatus.Initialized, details.Status);
        Assert.Equal(0, H.FaultCallsLeft(ApiNames.TransactionDetails));
    }

    [Fact]
    public async Task GetTransactionDetails_503OnEveryAttempt_UnavailableAfterOneCallAndThreeRetries()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        H.ArmFault(ApiNames.TransactionDetails, new ApiFault { Status = 503, Count = 10 });

        var failure = await Assert.ThrowsAsync<GatewayApiException>(() => H.DetailsAsync(created.TransactionId));

        Assert.Equal(GatewayFailureKind.Unavailable, failure.Kind);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.StatusCode);
        Assert.Equal(10 - 4, H.FaultCallsLeft(ApiNames.TransactionDetails));
    }

    [Fact]
    public async Task GetTransactionDetails_SlowAnswerWithinTheAttemptTimeout_AnsweredByTheFirstAttempt()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        H.ArmFault(ApiNames.TransactionDetails, new ApiFault { Kind = ApiFaultKind.Slow, Duration = TimeSpan.FromMilliseconds(200), Count = 2 });

        var details = await H.DetailsAsync(created.TransactionId);

        Assert.Equal(TransactionStatus.Initialized, details.Status);
        Assert.Equal(1, H.FaultCallsLeft(ApiNames.TransactionDetails));
    }

    [Fact]
    public async Task GetTransactionDetails_FirstAttemptTimesOut_RetriedAndSucceeds()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        await using var impatient = H.CreateClient(options =>
        {
            options.AttemptTimeout = TimeSpan.FromSeconds(1);
            options.OverallTimeout = TimeSpan.FromSeconds(20);
        });
        H.ArmFault(ApiNames.TransactionDetails, new ApiFault { Kind = ApiFaultKind.Timeout, Count = 1 });

        var details = await impatient.Client.GetTransactionDetailsAsync(created.TransactionId, H.Guest(), H.Ct);

        Assert.Equal(TransactionStatus.Initialized, details.Status);
        Assert.Equal(0, H.FaultCallsLeft(ApiNames.TransactionDetails));
    }
}
