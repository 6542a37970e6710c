using System.Globalization;
using System.Text.Json;
using Gateway.Client.Auth;
using Gateway.Client.Json;
using Gateway.Client.Orders;
using Gateway.Client.Webhooks;
using Gateway.Simulator.Scenarios;
using Gateway.Simulator.Tests;
using TestSupport;
using static Gateway.Contract.Tests.ContractHarness;

namespace Gateway.Contract.Tests;

public sealed class WebhookContractTests : ContractTestBase
{
    [Fact]
    public async Task Webhooks_BasketCompletedInSession_EveryBodyVerifiesAndTheLastEqualsOrderDetails()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        H.Sim.Simulation.WebhookUrl = receiver.Url;
        var created = await H.CreateAsync(Buy("RELIANCE", 10), Sell("ITC", 5));
        var id = created.TransactionId;
        var login = await H.LoginAsync(id);
        await H.ConfirmAsync(id);

        // The simulator's own pump delivers them; no clock move is needed at the same instant.
        await Eventually.Until(() => receiver.Hits.Count >= 2, TimeSpan.FromSeconds(10), "the placed and completed webhooks");
        var orderDetails = await H.OrdersAsync(id);

        var webhooks = receiver.Hits.Select(hit => Parse(hit.RawBody)).ToList();
        Assert.Equal(H.Truth(id).Webhooks.Count, webhooks.Count);
        Assert.Equal([BatchStatus.Placed, BatchStatus.Completed], webhooks.Select(w => Assert.Single(w.OrderBatches).Status));
        Assert.All(webhooks, webhook =>
        {
            Assert.Equal(ChecksumFailure.None, WebhookChecksum.Verify(webhook, [ApiSecret]));
            Assert.Equal(ChecksumFailure.Mismatch, WebhookChecksum.Verify(webhook, ["another-api-secret"]));
            Assert.Equal(id, webhook.TransactionId);
            Assert.Equal(login.SmallcaseAuthId, webhook.SmallcaseAuthId);
            Assert.Equal(Notes, webhook.Notes);
            Assert.Equal("kite", webhook.Broker);
            Assert.Equal(FridayMorning, DateTimeOffset.Parse(webhook.Timestamp!, CultureInfo.InvariantCulture));
        });
        foreach (var webhook in webhooks)
        {
            var token = await new GatewayTokens(Secret, H.Sim.Clock).VerifyAsync(webhook.SmallcaseAuthToken);
            Assert.Equal(webhook.SmallcaseAuthId, token.Claims?.SmallcaseAuthId);
        }

        Assert.NotEmpty(orderDetails.OrderBatches);
        Assert.Equal(Json(orderDetails.OrderBatches), Json(webhooks[^1].OrderBatches));
    }

    [Fact]
    public async Task Webhooks_AmoWithPartialFill_PlacedUpdatedCompletedVerifyAndTheLastEqualsOrderDetails()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        H.Sim.Simulation.WebhookUrl = receiver.Url;
        H.UseScenario(Outcomes(
            ("INFY", new OrderOutcome { Kind = OutcomeKind.Partial, FilledQuantity = 3, Then = PartialEnd.Complete, SettleAfter = TimeSpan.FromMinutes(30) })));
        await H.MoveClockToAsync(FridayEvening);
        var (id, _) = await H.TradeAsync(Buy("RELIANCE", 10), Buy("INFY", 8));

        await H.MoveClockToAsync(MondayOpen);
        await H.MoveClockToAsync(MondayOpen.AddMinutes(30));
        var orderDetails = await H.OrdersAsync(id);

        var webhooks = receiver.Hits.Select(hit => Parse(hit.RawBody)).ToList();
        Assert.Equal(3, webhooks.Count);
        Assert.Equal(
            [FridayEvening, MondayOpen, MondayOpen.AddMinutes(30)],
            webhooks.Select(w => DateTimeOffset.Parse(w.Timestamp!, CultureInfo.InvariantCulture)));
        Assert.All(webhooks, webhook =>
        {
            Assert.Equal(ChecksumFailure.None, WebhookChecksum.Verify(webhook, [ApiSecret]));
            Assert.Equal(id, webhook.TransactionId);
            Assert.Equal(OrderVariety.Amo, Assert.Single(webhook.OrderBatches).Variety);
        });
        var updated = Assert.Single(webhooks[1].OrderBatches);
        Assert.Equal(StockOrderStatus.Partial, Assert.Single(updated.Orders, o => o.Tradingsymbol == "INFY").Status);
        Assert.Equal(3, Assert.Single(updated.Orders, o => o.Tradingsymbol == "INFY").FilledQuantity);
        Assert.Equal(BatchStatus.Completed, Assert.Single(webhooks[2].OrderBatches).Status);
        Assert.Equal(Json(orderDetails.OrderBatches), Json(webhooks[2].OrderBatches));
    }

    private static GatewayWebhook Parse(string body) =>
        JsonSerializer.Deserialize<GatewayWebhook>(body, GatewayJson.Options) ?? throw new InvalidOperationException("An empty webhook body.");

    /// <summary>Records hold lists, so batches are compared by their serialized form.</summary>
    private static string Json(IReadOnlyList<OrderBatch> batches) => JsonSerializer.Serialize(batches, GatewayJson.Options);
}
