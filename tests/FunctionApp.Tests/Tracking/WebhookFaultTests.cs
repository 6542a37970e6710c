using FunctionApp.Tests.Infrastructure;
using Gateway.Simulator.Scenarios;
using TestSupport;

namespace FunctionApp.Tests.Tracking;

/// <summary>Fault matrix: what the Gateway's webhooks do wrong (duplicates, out of order, lost).</summary>
[Collection(SharedAzurite.Name)]
public sealed class WebhookFaultTests(AzuriteFixture azurite)
{
    internal const string Basket = """
        [{"ticker":"RELIANCE","quantity":2,"type":"BUY"},{"ticker":"ITC","quantity":5,"type":"SELL"},{"ticker":"NIFTYBEES","quantity":10,"type":"BUY"}]
        """;

    [Fact]
    public async Task DuplicateWebhooks_EachDeliveredThreeTimes_StoredOnceAndFinalStateMatchesTruth()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(Basket, new Scenario { Webhooks = new WebhookFaults { Duplicates = 3 } });

        await kit.ConfirmInSdkAsync(created);

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        var attempts = truth.Webhooks.SelectMany(w => w.Attempts).ToList();
        Assert.Equal(truth.Webhooks.Count * 3, attempts.Count);
        Assert.All(attempts, attempt => Assert.Equal(200, attempt.StatusCode));
        Assert.Equal(truth.Webhooks.Count, kit.StoredHits(created.TransactionId).Count);
        // One signal per distinct webhook at most: one that came after the outcome found the tracking finished.
        var applied = TrackingKit.Timeline(await kit.ViewAsync(created.TransactionId)).Count(e => e.StartsWith("webhook", StringComparison.Ordinal));
        Assert.InRange(applied, 1, truth.Webhooks.Count);
    }

    [Fact]
    public async Task CompletedBeforePlaced_LatePlacedAndUpdated_NeverMoveAStockBack()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var partialThenComplete = new OrderOutcome { Kind = OutcomeKind.Partial, FilledQuantity = 2, Then = PartialEnd.Complete, SettleAfter = TimeSpan.FromMinutes(5) };
        var created = await kit.CreateAsync(Basket, new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome> { ["ITC"] = partialThenComplete },
            Webhooks = new WebhookFaults { Reorder = true },
        });
        await kit.ConfirmInSdkAsync(created);
        Assert.All(kit.Simulation.GetTruth(created.TransactionId)!.Webhooks, w => Assert.True(w.Held));

        await kit.AdvanceClockAsync(TimeSpan.FromMinutes(5));

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Equal([WebhookKind.Placed, WebhookKind.Updated, WebhookKind.Completed], truth.Webhooks.Select(w => w.Kind));
        Assert.Equal(3, kit.StoredHits(created.TransactionId).Count);
        Assert.DoesNotContain(kit.Outcomes, e => e.Type == OutcomeEvent.OrderUpdated && e.Data.GetProperty("status").GetString() != "COMPLETE");
    }

    [Fact]
    public async Task AllWebhooksLost_NoSdkResultEither_PollingFindsTheTruth()
    {
        await using var harness = await AppHarness.StartAsync(azurite, simulatorOptions: AppHarness.ShortLived);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(Basket, new Scenario { Webhooks = new WebhookFaults { Drop = ["all"] } });
        await kit.ConfirmInSdkAsync(created);
        var waiting = await kit.ViewAsync(created.TransactionId);
        Assert.Equal("AwaitingUser", waiting.GetProperty("status").GetString());
        Assert.Equal(created.ExpireAt + TimeSpan.FromSeconds(1), TrackingKit.NextWakeAt(waiting));

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.All(truth.Webhooks, w => Assert.True(w.Dropped));
        Assert.All(truth.Webhooks, w => Assert.Empty(w.Attempts));
        var timeline = TrackingKit.Timeline(await kit.ViewAsync(created.TransactionId));
        Assert.Contains(timeline, e => e.StartsWith("transaction details COMPLETED", StringComparison.Ordinal));
        Assert.Contains(timeline, e => e.StartsWith("order details:", StringComparison.Ordinal));
    }
}
