using FunctionApp.Tests.Infrastructure;
using Gateway.Client.Orders;
using Gateway.Simulator;
using Gateway.Simulator.Scenarios;
using TestSupport;

namespace FunctionApp.Tests.Tracking;

/// <summary>Fault matrix: orders the market keeps open (after-market orders over a weekend, limit orders, partial fills).</summary>
[Collection(SharedAzurite.Name)]
public sealed class MarketTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    [Fact]
    public async Task AmoBasket_PlacedFridayEvening_SleepsOverTheWeekendAndCompletesMonday()
    {
        var fridayEvening = new DateTimeOffset(2026, 11, 27, 18, 0, 0, Ist);
        var mondayOpen = new DateTimeOffset(2026, 11, 30, 9, 15, 0, Ist);
        await using var harness = await AppHarness.StartAsync(azurite, simulatorOptions: new SimulatorOptions { ClockStart = fridayEvening });
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);

        await kit.ConfirmInSdkAsync(created);

        // The "placed" webhook makes the tracker read the Gateway: PROCESSING, and no order details until COMPLETED.
        var placed = await kit.WaitForStatusAsync(created.TransactionId, "OrdersOpen");
        Assert.Empty(TrackingKit.Stocks(placed));
        Assert.Equal("TransactionDetails", placed.GetProperty("next").GetProperty("waitingFor").GetString());
        Assert.Equal(mondayOpen + TimeSpan.FromMinutes(5), TrackingKit.NextWakeAt(placed));

        await kit.SetClockAsync(new DateTimeOffset(2026, 11, 29, 12, 0, 0, Ist));
        var sunday = await kit.ViewAsync(created.TransactionId);
        Assert.Equal("OrdersOpen", sunday.GetProperty("status").GetString());
        Assert.Single(TrackingKit.Timeline(sunday), e => e.StartsWith("transaction details", StringComparison.Ordinal));

        await kit.SetClockAsync(mondayOpen + TimeSpan.FromMinutes(1));

        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Equal(mondayOpen, Assert.Single(truth.Orders.OrderBatches).CompletedDate);
    }

    [Fact]
    public async Task StopLossOrder_TriggerNeverReached_CancelledAtTheCloseAndTrackedToCompletion()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(
            """[{"ticker":"INFY","quantity":3,"type":"SELL"}]""",
            new Scenario { OrderType = OrderType.StopLossMarket, Outcomes = new Dictionary<string, OrderOutcome> { ["INFY"] = new() { Kind = OutcomeKind.TriggerPending } } });
        await kit.ConfirmInSdkAsync(created, broker: "kite");
        await kit.WaitForStatusAsync(created.TransactionId, "OrdersOpen");

        await kit.SetClockAsync(new DateTimeOffset(2026, 11, 26, 15, 31, 0, Ist));

        await kit.AssertMatchesTruthAsync(created.TransactionId);
        var final = await kit.ViewAsync(created.TransactionId);
        Assert.Equal(["INFY SELL CANCELLED 0/3"], TrackingKit.Stocks(final));
        Assert.Equal("SL-M", final.GetProperty("batches")[0].GetProperty("orders")[0].GetProperty("orderType").GetString());
    }

    [Fact]
    public async Task LimitOrder_OpenAllDay_CancelledAtTheCloseAndTrackedToCompletion()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(
            """[{"ticker":"HDFCBANK","quantity":3,"type":"BUY"},{"ticker":"ITC","quantity":5,"type":"BUY"}]""",
            new Scenario { Outcomes = new Dictionary<string, OrderOutcome> { ["HDFCBANK"] = new() { Kind = OutcomeKind.LimitOpen } } });
        await kit.ConfirmInSdkAsync(created, broker: "kite");
        var open = await kit.WaitForStatusAsync(created.TransactionId, "OrdersOpen");
        Assert.Empty(TrackingKit.Stocks(open));

        await Eventually.Until(
            async () => TrackingKit.Timeline(await kit.ViewAsync(created.TransactionId)).Any(e => e.StartsWith("transaction details PROCESSING", StringComparison.Ordinal)),
            TrackingKit.Patience,
            "a poll during the session");
        Assert.Equal("OrdersOpen", (await kit.ViewAsync(created.TransactionId)).GetProperty("status").GetString());

        await kit.SetClockAsync(new DateTimeOffset(2026, 11, 26, 15, 31, 0, Ist));

        await kit.AssertMatchesTruthAsync(created.TransactionId);
        var final = await kit.ViewAsync(created.TransactionId);
        Assert.Equal(["HDFCBANK BUY CANCELLED 0/3", "ITC BUY COMPLETE 5/5"], TrackingKit.Stocks(final));
        Assert.Contains(
            final.GetProperty("batches")[0].GetProperty("orders").EnumerateArray(),
            o => o.GetProperty("ticker").GetString() == "HDFCBANK" && o.GetProperty("orderType").GetString() == "LIMIT");
    }

    [Fact]
    public async Task PartialFill_RestCancelledLater_OnlyTheConfirmedFillPublished()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var partial = new OrderOutcome { Kind = OutcomeKind.Partial, FilledQuantity = 2, Then = PartialEnd.Cancelled, SettleAfter = TimeSpan.FromMinutes(10) };
        var created = await kit.CreateAsync(WebhookFaultTests.Basket, new Scenario { Outcomes = new Dictionary<string, OrderOutcome> { ["ITC"] = partial } });
        await kit.ConfirmInSdkAsync(created);
        await kit.WaitForStatusAsync(created.TransactionId, "OrdersOpen");

        await kit.AdvanceClockAsync(TimeSpan.FromMinutes(10));

        await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Equal(["ITC SELL CANCELLED 2/5", "NIFTYBEES BUY COMPLETE 10/10", "RELIANCE BUY COMPLETE 2/2"], TrackingKit.Stocks(await kit.ViewAsync(created.TransactionId)));
        var itcUpdates = kit.Outcomes
            .Where(e => e.Type == OutcomeEvent.OrderUpdated && e.Data.GetProperty("ticker").GetString() == "ITC")
            .Select(e => $"{e.Data.GetProperty("status").GetString()} {e.Data.GetProperty("filledQuantity").GetInt32()}")
            .ToHashSet();
        // The partial fill was only ever in webhooks, which the checksum does not cover: never published.
        Assert.Equal(["CANCELLED 2"], itcUpdates);
    }
}
