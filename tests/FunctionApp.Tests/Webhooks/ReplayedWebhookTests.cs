using System.Net;
using System.Text.Json.Nodes;
using FunctionApp.Tests.Infrastructure;
using FunctionApp.Tests.Tracking;
using TestSupport;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp.Tests.Webhooks;

/// <summary>
/// The webhook checksum covers only timestamp + smallcaseAuthId: whoever has seen one webhook can send any body with
/// that triple. Such a body may make the tracker read the Gateway sooner, and nothing else.
/// </summary>
[Collection(SharedAzurite.Name)]
public sealed class ReplayedWebhookTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ReplayedTriple_WithForgedBodies_TransactionStillReachesTheGatewaysTruthWithTheRealAccount()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);
        var attackersAuthId = SignedWebhook.NewAuthId();

        // A valid triple of the attacker's own account: first a body naming the victim's transaction and nothing else,
        // then one claiming fills the Gateway never made.
        var empty = SignedWebhook.Body(harness.Simulator.Clock, created.TransactionId, notes: null, attackersAuthId);
        empty["orderBatches"] = new JsonArray();
        empty.Remove("broker");
        var forgedFills = SignedWebhook.Body(harness.Simulator.Clock, created.TransactionId, notes: null, attackersAuthId);
        forgedFills["broker"] = "upstox";
        var forgedOrder = forgedFills["orderBatches"]![0]!["orders"]![0]!;
        forgedOrder["tradingsymbol"] = "TCS";
        forgedOrder["status"] = "COMPLETE";
        forgedOrder["filledQuantity"] = 2;
        (await harness.PostWebhookAsync(empty.ToJsonString())).AssertStatus(HttpStatusCode.OK);
        (await harness.PostWebhookAsync(forgedFills.ToJsonString())).AssertStatus(HttpStatusCode.OK);
        await harness.WaitForWebhookReadAsync(kit.UserId, created.TransactionId);

        var sdkResult = await kit.ConfirmInSdkAsync(created);
        await kit.PostSdkResultAsync(created.TransactionId, sdkResult);

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        var state = TrackerStateJson.Deserialize((await harness.Service<TransactionStore>().GetAsync(created.TransactionId, CancellationToken.None))!.Record.StateJson);
        Assert.Equal(truth.SmallcaseAuthId, state.SmallcaseAuthId);
        Assert.NotEqual(attackersAuthId, state.SmallcaseAuthId);
        Assert.Equal("kite", state.Broker);
        Assert.DoesNotContain(kit.Outcomes, e => e.Type == OutcomeEvent.OrderUpdated && e.Data.GetProperty("ticker").GetString() == "TCS");
    }

    [Fact]
    public async Task ForgedBody_ForATransactionTheUserNeverOpened_PublishesNothingAndChangesNoPhase()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);
        var forged = SignedWebhook.Body(harness.Simulator.Clock, created.TransactionId, notes: null, SignedWebhook.NewAuthId());
        forged["orderBatches"]![0]!["orders"]![0]!["status"] = "COMPLETE";
        forged["orderBatches"]![0]!["status"] = "COMPLETED";

        (await harness.PostWebhookAsync(forged.ToJsonString())).AssertStatus(HttpStatusCode.OK);

        var read = await harness.WaitForWebhookReadAsync(kit.UserId, created.TransactionId);
        Assert.Contains(read, e => e.StartsWith("transaction details INITIALIZED", StringComparison.Ordinal));
        var view = await kit.ViewAsync(created.TransactionId);
        Assert.Equal("AwaitingUser", view.GetProperty("status").GetString());
        Assert.Empty(TrackingKit.Stocks(view));
        Assert.Empty(await kit.DrainOutcomesAsync());
    }
}
