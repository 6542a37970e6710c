using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FunctionApp.Tests.Infrastructure;
using Gateway.Client.Transactions;
using Gateway.Simulator.Scenarios;
using TestSupport;

namespace FunctionApp.Tests.Tracking;

/// <summary>Fault matrix: orders that do not fill (rejections, unplaced legs) and flows the user does not finish.</summary>
[Collection(SharedAzurite.Name)]
public sealed class OrderOutcomeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Rejections_ForHoldingsAndMargins_CompletedWithEveryRejectedLegAndItsErrorCode()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket, new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome>
            {
                ["ITC"] = new() { Kind = OutcomeKind.Reject, ErrorCode = "checkHoldings" },
                ["RELIANCE"] = new() { Kind = OutcomeKind.Reject, ErrorCode = "marginsExceeded" },
            },
        });

        await kit.ConfirmInSdkAsync(created);

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Equal("COMPLETED", truth.Status.Value);
        var orders = (await kit.ViewAsync(created.TransactionId)).GetProperty("batches")[0].GetProperty("orders").EnumerateArray()
            .ToDictionary(o => o.GetProperty("ticker").GetString()!, o => $"{o.GetProperty("status").GetString()} {o.GetProperty("errorCode")}");
        Assert.Equal("REJECTED checkHoldings", orders["ITC"]);
        Assert.Equal("REJECTED marginsExceeded", orders["RELIANCE"]);
        Assert.Equal("COMPLETE ", orders["NIFTYBEES"]);
    }

    [Fact]
    public async Task InsufficientHoldings_SdkEndsTheFlow_FailedWithTheGatewaysError()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket, new Scenario
        {
            ConfirmError = new TransactionError("insufficient_holdings", "Not enough holdings to sell ITC"),
        });
        await harness.SdkStepAsync(created, "open", null);
        await harness.SdkStepAsync(created, "broker", new { broker = "kite" });
        await harness.SdkStepAsync(created, "login", new { accountId = (string?)null });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await SdkStepStatusAsync(harness, created, "confirm"));

        await kit.PostSdkResultAsync(created.TransactionId, new { transactionId = created.TransactionId, error = new { code = "insufficient_holdings", message = "Not enough holdings" } });

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Equal("insufficient_holdings", truth.Error!.Code);
        Assert.Empty(truth.Webhooks);
    }

    [Fact]
    public async Task UnplacedLegs_NeverReachTheBroker_RecordedAsUnplacedErrors()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket, new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome>
            {
                ["ITC"] = new() { Kind = OutcomeKind.Unplaced },
                ["NIFTYBEES"] = new() { Kind = OutcomeKind.Unplaced, ErrorCode = "tradingSystemNotReady" },
            },
        });

        await kit.ConfirmInSdkAsync(created);

        await kit.AssertMatchesTruthAsync(created.TransactionId);
        var orders = (await kit.ViewAsync(created.TransactionId)).GetProperty("batches")[0].GetProperty("orders").EnumerateArray().ToList();
        Assert.Equal(
            ["ITC ERROR adapterError True", "NIFTYBEES ERROR tradingSystemNotReady True", "RELIANCE COMPLETE  False"],
            orders.Select(o => $"{o.GetProperty("ticker").GetString()} {o.GetProperty("status").GetString()} {o.GetProperty("errorCode")} {o.GetProperty("unplaced").GetBoolean()}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryLegUnplaced_NothingReachesTheBroker_CompletedWithAnUnplacedBatch()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket, new Scenario { DefaultOutcome = new OrderOutcome { Kind = OutcomeKind.Unplaced } });

        await kit.ConfirmInSdkAsync(created);

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Equal("UNPLACED", Assert.Single(truth.Orders.OrderBatches).Status.Value);
    }

    [Fact]
    public async Task UserCancels_AppReportsTheSdkError_FailedAsUserCancelled()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);
        await harness.SdkStepAsync(created, "open", null);
        await harness.SdkStepAsync(created, "broker", new { broker = "kite" });
        await harness.SdkStepAsync(created, "login", new { accountId = (string?)null });
        await harness.SdkStepAsync(created, "cancel", null);

        await kit.PostSdkResultAsync(created.TransactionId, new { transactionId = created.TransactionId, error = new { code = "user_cancelled", message = "User cancelled" } });

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Equal("user_cancelled", truth.Error!.Code);
    }

    [Fact]
    public async Task UserCancels_AppNeverReportsIt_ExpiryCheckFindsTheCancellation()
    {
        await using var harness = await AppHarness.StartAsync(azurite, simulatorOptions: AppHarness.ShortLived);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);
        await harness.SdkStepAsync(created, "open", null);
        await harness.SdkStepAsync(created, "cancel", null);

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Equal("user_cancelled", truth.Error!.Code);
    }

    [Fact]
    public async Task UserRefreshesTheOrderWindow_GatewayExpiresIt_ExpiredBeforeExpireAt()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);
        await harness.SdkStepAsync(created, "open", null);
        await harness.SdkStepAsync(created, "broker", new { broker = "kite" });
        await harness.SdkStepAsync(created, "login", new { accountId = (string?)null });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await SdkStepStatusAsync(harness, created, "refresh"));
        await kit.PostSdkResultAsync(created.TransactionId, JsonSerializer.Deserialize<JsonElement>("""{"success":false,"data":null,"transaction":"TRANSACTION","errorCode":1005,"errorMessage":"transaction_expired"}"""));

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Equal("transaction_expired", truth.Error!.Code);
        Assert.True(harness.Simulator.Clock.GetUtcNow() < truth.ExpireAt);
        Assert.Contains(kit.Outcomes, e => e.Type == "transaction.expired");
    }

    [Fact]
    public async Task UserNeverOpensTheSdk_PastExpiryAndGrace_Expired()
    {
        await using var harness = await AppHarness.StartAsync(azurite, simulatorOptions: AppHarness.ShortLived);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Equal("INITIALIZED", truth.Status.Value);
        Assert.False(truth.Opened);
        Assert.Contains(kit.Outcomes, e => e.Type == "transaction.expired");
    }

    [Fact]
    public async Task UserLogsInButNeverConfirms_PastExpiryAndGrace_Expired()
    {
        await using var harness = await AppHarness.StartAsync(azurite, simulatorOptions: AppHarness.ShortLived);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);
        await harness.SdkStepAsync(created, "open", null);
        await harness.SdkStepAsync(created, "broker", new { broker = "kite" });
        await harness.SdkStepAsync(created, "login", new { accountId = (string?)null });

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Equal("USED", truth.Status.Value);
    }

    private static async Task<HttpStatusCode> SdkStepStatusAsync(AppHarness harness, CreatedTransactionJson created, string step)
    {
        using var client = new HttpClient { BaseAddress = harness.Simulator.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/_sdk/transactions/{created.TransactionId}/{step}") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("x-gateway-authtoken", created.GatewayToken);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
