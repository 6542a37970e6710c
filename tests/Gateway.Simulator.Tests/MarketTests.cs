using System.Net;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Client.Webhooks;
using Gateway.Simulator.Api;
using Gateway.Simulator.Market;
using Gateway.Simulator.Scenarios;
using static Gateway.Simulator.Tests.TestSimulator;

namespace Gateway.Simulator.Tests;

public sealed class AfterMarketOrderTests : SimulatorTestBase
{
    protected override DateTimeOffset StartAt => FridayEvening;

    [Fact]
    public async Task Confirm_FridayEvening_AmoPlacedThenExecutedAtMondayOpen()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 10), Sell("ITC", 5));

        var result = await Sim.CompleteFlowAsync(id);
        await Sim.RunDueWorkAsync();

        var placed = result.OrderBatches.Single();
        Assert.Equal(OrderVariety.Amo, placed.Variety);
        Assert.Equal(BatchStatus.Placed, placed.Status);
        Assert.All(placed.Orders, o => Assert.Equal(StockOrderStatus.Placed, o.Status));
        Assert.Null(placed.CompletedDate);
        Assert.Equal(TransactionStatus.Processing, (await Sim.DetailsAsync(id)).Status);
        Assert.Empty(await Sim.OrderBatchesAsync($"transactionId={id}"));
        Assert.Equal(BatchStatus.Placed, Assert.Single(Sim.Webhooks.Hits).Body.OrderBatches.Single().Status);

        // Saturday: the market stays shut.
        await Sim.AdvanceAsync(TimeSpan.FromDays(1));
        Assert.Equal(TransactionStatus.Processing, (await Sim.DetailsAsync(id)).Status);
        Assert.Single(Sim.Webhooks.Hits);

        // Monday 09:20: the orders executed at 09:15.
        await Sim.SetClockAsync(MondayOpen.AddMinutes(5));

        Assert.Equal(TransactionStatus.Completed, (await Sim.DetailsAsync(id)).Status);
        var executed = Assert.Single(await Sim.OrderBatchesAsync($"transactionId={id}"));
        Assert.Equal(OrderVariety.Amo, executed.Variety);
        Assert.Equal(BatchStatus.Completed, executed.Status);
        Assert.Equal(MondayOpen, executed.CompletedDate);
        Assert.All(executed.Orders, o => Assert.Equal(StockOrderStatus.Complete, o.Status));
        Assert.Equal(2, Sim.Webhooks.Hits.Count);
        var completed = Sim.Webhooks.Hits[1].Body;
        Assert.Equal(BatchStatus.Completed, completed.OrderBatches.Single().Status);
        Assert.Equal("2026-11-30T03:45:00.000Z", completed.Timestamp);
        Assert.Equal(ChecksumFailure.None, WebhookChecksum.Verify(completed, [ApiSecret]));
    }

    [Fact]
    public async Task Confirm_BrokerWithoutAmo_ErroredMarketClosed()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 10));
        await Sim.SetScenarioAsync(id, new Scenario { AmoAllowed = false });
        await Sim.LoginAsync(id);

        using var response = await Sim.SdkAsync(id, "confirm");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("market_closed", (await Sim.DetailsAsync(id)).Details.Error!.Code);
    }

    [Fact]
    public async Task Amo_RejectedAtTheOpen_CompletesUnfilled()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 10));
        await Sim.SetScenarioAsync(id, new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome> { ["RELIANCE"] = new() { Kind = OutcomeKind.Reject, ErrorCode = "marginsExceeded" } },
        });
        await Sim.CompleteFlowAsync(id);

        await Sim.SetClockAsync(MondayOpen);

        var batch = Assert.Single(await Sim.OrderBatchesAsync($"transactionId={id}"));
        Assert.Equal(BatchStatus.Unfilled, batch.Status);
        Assert.Equal("marginsExceeded", batch.Orders.Single().ErrorCode);
    }
}

public sealed class HolidayTests : SimulatorTestBase
{
    protected override DateTimeOffset StartAt => FridayEvening;

    protected override SimulatorOptions Configure(SimulatorOptions options) => options with { Holidays = [new DateOnly(2026, 11, 30)] };

    [Fact]
    public async Task Amo_NextTradingDayIsAHoliday_ExecutesTheDayAfter()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.CompleteFlowAsync(id);

        await Sim.SetClockAsync(MondayOpen.AddHours(3));
        var mondayStatus = (await Sim.DetailsAsync(id)).Status;
        await Sim.SetClockAsync(Ist(2026, 12, 1, 9, 16));

        Assert.Equal(TransactionStatus.Processing, mondayStatus);
        Assert.Equal(TransactionStatus.Completed, (await Sim.DetailsAsync(id)).Status);
        Assert.Equal(Ist(2026, 12, 1, 9, 15), Sim.Truth(id).Orders.OrderBatches.Single().CompletedDate);
    }
}

public sealed class InSessionOutcomeTests : SimulatorTestBase
{
    private static readonly DateTimeOffset FridayClose = Ist(2026, 11, 27, 15, 30);

    [Fact]
    public async Task Fill_PoolTickers_WithinOnePercentOfTheReferenceAndRepeatedByAFreshSimulator()
    {
        var basket = new[] { Buy("RELIANCE", 3), Sell("ITC", 40), Buy("NIFTYBEES", 25), Buy("EMBASSY", 10), Sell("PGINVIT", 100) };

        var first = (await Sim.CompleteFlowAsync(await Sim.CreateAsync(basket))).OrderBatches.Single();
        var second = (await Sim.CompleteFlowAsync(await Sim.CreateAsync(basket))).OrderBatches.Single();
        await using var fresh = await TestSimulator.StartAsync();
        var again = (await fresh.CompleteFlowAsync(await fresh.CreateAsync(basket))).OrderBatches.Single();

        Assert.All(first.Orders.Concat(second.Orders), order =>
        {
            var reference = PriceBook.Find(order.Tradingsymbol)!.ReferencePrice;
            Assert.InRange(order.AveragePrice, reference * (1 - PriceBook.Band), reference * (1 + PriceBook.Band));
            Assert.Equal(0m, order.AveragePrice % PriceBook.TickSize);
        });
        Assert.Equal(
            first.Orders.Where(o => o.TransactionType == TradeType.Buy).Sum(o => o.Quantity * o.AveragePrice),
            first.BuyAmount);
        Assert.Equal(
            first.Orders.Where(o => o.TransactionType == TradeType.Sell).Sum(o => o.Quantity * o.AveragePrice),
            first.SellAmount);

        // Each order has its own price; the same orders in the same sequence get the same prices.
        Assert.NotEqual(first.Orders.Select(o => o.AveragePrice), second.Orders.Select(o => o.AveragePrice));
        Assert.Equal(first.Orders.Select(o => (o.ExchangeOrderId, o.AveragePrice)), again.Orders.Select(o => (o.ExchangeOrderId, o.AveragePrice)));
    }

    [Fact]
    public async Task Fill_ScenarioPrice_WinsOverTheReference()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 4), Sell("ITC", 3));
        await Sim.SetScenarioAsync(id, new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome> { ["RELIANCE"] = new() { Price = 2_000.05m } },
        });

        var batch = (await Sim.CompleteFlowAsync(id)).OrderBatches.Single();

        Assert.Equal(2_000.05m, batch.Orders.Single(o => o.Tradingsymbol == "RELIANCE").AveragePrice);
        Assert.Equal(4 * 2_000.05m, batch.BuyAmount);
        var itc = batch.Orders.Single(o => o.Tradingsymbol == "ITC");
        Assert.Equal(PriceBook.FillPrice("ITC", itc.ExchangeOrderId!), itc.AveragePrice);
    }

    [Fact]
    public async Task LimitOrder_OpenAllDay_CancelledAtTheClose()
    {
        var id = await Sim.CreateAsync(Buy("INFY", 4));
        await Sim.SetScenarioAsync(id, new Scenario
        {
            OrderType = OrderType.Limit,
            Outcomes = new Dictionary<string, OrderOutcome> { ["INFY"] = new() { Kind = OutcomeKind.LimitOpen } },
        });

        var result = await Sim.CompleteFlowAsync(id, broker: "groww");
        await Sim.RunDueWorkAsync();

        var open = result.OrderBatches.Single().Orders.Single();
        Assert.Equal(OrderType.Limit, open.OrderType);
        Assert.Equal(StockOrderStatus.Placed, open.Status);
        Assert.Equal(TransactionStatus.Processing, (await Sim.DetailsAsync(id)).Status);

        await Sim.SetClockAsync(FridayClose.AddMinutes(-1));
        Assert.Equal(TransactionStatus.Processing, (await Sim.DetailsAsync(id)).Status);
        await Sim.SetClockAsync(FridayClose.AddMinutes(1));

        var batch = Assert.Single(await Sim.OrderBatchesAsync($"transactionId={id}"));
        Assert.Equal(StockOrderStatus.Cancelled, batch.Orders.Single().Status);
        Assert.Equal(0, batch.Orders.Single().FilledQuantity);
        Assert.Equal(BatchStatus.Unfilled, batch.Status);
        Assert.Equal(FridayClose, batch.CompletedDate);
        Assert.Equal(
            [BatchStatus.Placed, BatchStatus.Unfilled],
            Sim.Webhooks.Hits.Select(h => h.Body.OrderBatches.Single().Status).ToArray());
    }

    [Theory]
    [InlineData("SL")]
    [InlineData("SL-M")]
    public async Task StopLossOrder_TriggerNeverReached_PendingAllDayThenCancelledAtTheClose(string orderType)
    {
        var id = await Sim.CreateAsync(Sell("INFY", 4));
        await Sim.SetScenarioAsync(id, new Scenario
        {
            OrderType = OrderType.From(orderType),
            Outcomes = new Dictionary<string, OrderOutcome> { ["INFY"] = new() { Kind = OutcomeKind.TriggerPending } },
        });

        var result = await Sim.CompleteFlowAsync(id, broker: "kite");
        await Sim.RunDueWorkAsync();

        var pending = result.OrderBatches.Single().Orders.Single();
        Assert.Equal(OrderType.From(orderType), pending.OrderType);
        Assert.Equal(StockOrderStatus.Placed, pending.Status);
        await Sim.SetClockAsync(FridayClose.AddMinutes(-1));
        Assert.Equal(TransactionStatus.Processing, (await Sim.DetailsAsync(id)).Status);
        await Sim.SetClockAsync(FridayClose.AddMinutes(1));

        var batch = Assert.Single(await Sim.OrderBatchesAsync($"transactionId={id}"));
        Assert.Equal(StockOrderStatus.Cancelled, batch.Orders.Single().Status);
        Assert.Equal(0, batch.Orders.Single().FilledQuantity);
        Assert.Equal(FridayClose, batch.CompletedDate);
    }

    [Fact]
    public async Task StopLossOrder_TriggerReachedDuringTheSession_FillsThen()
    {
        var id = await Sim.CreateAsync(Sell("INFY", 4));
        await Sim.SetScenarioAsync(id, new Scenario
        {
            OrderType = OrderType.StopLoss,
            Outcomes = new Dictionary<string, OrderOutcome> { ["INFY"] = new() { Kind = OutcomeKind.TriggerPending, SettleAfter = TimeSpan.FromMinutes(40) } },
        });
        await Sim.CompleteFlowAsync(id, broker: "groww");

        await Sim.SetClockAsync(FridayMorning.AddMinutes(39));
        Assert.Equal(StockOrderStatus.Placed, Sim.Truth(id).Orders.OrderBatches.Single().Orders.Single().Status);
        await Sim.SetClockAsync(FridayMorning.AddMinutes(41));

        var order = Sim.Truth(id).Orders.OrderBatches.Single().Orders.Single();
        Assert.Equal(StockOrderStatus.Complete, order.Status);
        Assert.Equal(4, order.FilledQuantity);
        Assert.Equal(TransactionStatus.Completed, Sim.Truth(id).Status);
    }

    [Fact]
    public async Task StopLossOrder_BrokerWithoutLimitOrders_Returns409()
    {
        var id = await Sim.CreateAsync(Sell("INFY", 4));
        await Sim.SetScenarioAsync(id, new Scenario { OrderType = OrderType.StopLossMarket });
        await Sim.LoginAsync(id, broker: "upstox");

        using var response = await Sim.SdkAsync(id, "confirm");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task LimitOrder_PartFilledBeforeTheClose_KeepsTheFilledShares()
    {
        var id = await Sim.CreateAsync(Buy("INFY", 10));
        await Sim.SetScenarioAsync(id, new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome> { ["INFY"] = new() { Kind = OutcomeKind.LimitOpen, FilledQuantity = 6, Price = 1500.05m } },
        });
        await Sim.CompleteFlowAsync(id, broker: "fivepaisa-leprechaun");

        await Sim.SetClockAsync(FridayClose);

        var order = Sim.Truth(id).Orders.OrderBatches.Single().Orders.Single();
        Assert.Equal(StockOrderStatus.Cancelled, order.Status);
        Assert.Equal(6, order.FilledQuantity);
        Assert.Equal(6 * 1500.05m, Sim.Truth(id).Orders.OrderBatches.Single().BuyAmount);
        Assert.Equal(BatchStatus.PartiallyFilled, Sim.Truth(id).Orders.OrderBatches.Single().Status);
    }

    [Fact]
    public async Task LimitOrder_BrokerWithoutLimitOrders_Returns409()
    {
        var id = await Sim.CreateAsync(Buy("INFY", 4));
        await Sim.SetScenarioAsync(id, new Scenario { OrderType = OrderType.Limit });
        await Sim.LoginAsync(id, broker: "upstox");

        using var response = await Sim.SdkAsync(id, "confirm");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(TransactionStatus.Used, (await Sim.DetailsAsync(id)).Status);
    }

    [Fact]
    public async Task PartialFill_CancelledAtTheClose_PartiallyFilledWithEachStepReported()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1), Sell("ITC", 5));
        await Sim.SetScenarioAsync(id, new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome> { ["ITC"] = new() { Kind = OutcomeKind.Partial, FilledQuantity = 2 } },
        });

        var result = await Sim.CompleteFlowAsync(id);
        await Sim.RunDueWorkAsync();

        var partial = result.OrderBatches.Single().Orders.Single(o => o.Tradingsymbol == "ITC");
        Assert.Equal(StockOrderStatus.Partial, partial.Status);
        Assert.Equal(2, partial.FilledQuantity);
        Assert.Equal(BatchStatus.Placed, result.OrderBatches.Single().Status);
        Assert.Equal(TransactionStatus.Processing, (await Sim.DetailsAsync(id)).Status);

        await Sim.SetClockAsync(FridayClose);

        var batch = Assert.Single(await Sim.OrderBatchesAsync($"transactionId={id}"));
        var itc = batch.Orders.Single(o => o.Tradingsymbol == "ITC");
        Assert.Equal(StockOrderStatus.Cancelled, itc.Status);
        Assert.Equal(2, itc.FilledQuantity);
        Assert.Equal(BatchStatus.PartiallyFilled, batch.Status);
        Assert.Equal(1, batch.Filled);
        Assert.Equal(PriceBook.FillPrice("ITC", itc.ExchangeOrderId!), itc.AveragePrice);
        Assert.Equal(2 * itc.AveragePrice, batch.SellAmount);
        Assert.Equal(
            [BatchStatus.Placed, BatchStatus.Placed, BatchStatus.PartiallyFilled],
            Sim.Webhooks.Hits.Select(h => h.Body.OrderBatches.Single().Status).ToArray());
        Assert.Equal(["placed", "updated", "completed"], Sim.Truth(id).Webhooks.Select(w => WebhookKinds.Name(w.Kind)).ToArray());
    }

    [Fact]
    public async Task PartialFill_ThenComplete_FillsAfterTheSettleDelay()
    {
        var id = await Sim.CreateAsync(Buy("ITC", 5));
        await Sim.SetScenarioAsync(id, new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome>
            {
                ["ITC"] = new() { Kind = OutcomeKind.Partial, FilledQuantity = 2, Then = PartialEnd.Complete, SettleAfter = TimeSpan.FromMinutes(10) },
            },
        });
        await Sim.CompleteFlowAsync(id);

        await Sim.AdvanceAsync(TimeSpan.FromMinutes(9));
        var before = Sim.Truth(id).Orders.OrderBatches.Single().Orders.Single();
        await Sim.AdvanceAsync(TimeSpan.FromMinutes(1));
        var after = Sim.Truth(id).Orders.OrderBatches.Single();

        Assert.Equal(StockOrderStatus.Partial, before.Status);
        Assert.Equal(StockOrderStatus.Complete, after.Orders.Single().Status);
        Assert.Equal(5, after.Orders.Single().FilledQuantity);
        Assert.Equal(BatchStatus.Completed, after.Status);
        Assert.Equal(FridayMorning.AddMinutes(10), after.CompletedDate);
    }

    [Theory]
    [InlineData("checkHoldings")]
    [InlineData("marginsExceeded")]
    [InlineData("orderUnmatched")]
    [InlineData("circuitLimitExceeded")]
    public async Task Rejection_WithErrorCode_RejectedBesideAFilledOrder(string errorCode)
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1), Sell("INFY", 3));
        await Sim.SetScenarioAsync(id, new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome> { ["INFY"] = new() { Kind = OutcomeKind.Reject, ErrorCode = errorCode } },
        });

        var batch = (await Sim.CompleteFlowAsync(id)).OrderBatches.Single();

        var rejected = batch.Orders.Single(o => o.Tradingsymbol == "INFY");
        Assert.Equal(StockOrderStatus.Rejected, rejected.Status);
        Assert.Equal(errorCode, rejected.ErrorCode);
        Assert.False(string.IsNullOrEmpty(rejected.StatusMessage));
        Assert.Equal(0, rejected.FilledQuantity);
        Assert.Null(rejected.ExchangeOrderId);
        Assert.Equal(BatchStatus.PartiallyFilled, batch.Status);
        Assert.Equal(0m, batch.SellAmount);
        Assert.Equal(TransactionStatus.Completed, (await Sim.DetailsAsync(id)).Status);
    }

    [Fact]
    public async Task Unplaced_OrderNeverReachesTheBroker_ListedInUnplacedWithStatusError()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1), Buy("TCS", 2));
        await Sim.SetScenarioAsync(id, new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome> { ["TCS"] = new() { Kind = OutcomeKind.Unplaced } },
        });

        var batch = (await Sim.CompleteFlowAsync(id)).OrderBatches.Single();

        var unplaced = Assert.Single(batch.Unplaced);
        Assert.Equal("TCS", unplaced.Tradingsymbol);
        Assert.Equal(StockOrderStatus.Error, unplaced.Status);
        Assert.Equal(OrderOutcome.DefaultUnplacedCode, unplaced.ErrorCode);
        Assert.Null(unplaced.ExchangeOrderId);
        Assert.Equal("RELIANCE", Assert.Single(batch.Orders).Tradingsymbol);
        Assert.Equal(2, batch.Quantity);
        Assert.Equal(1, batch.Filled);
        Assert.Equal(BatchStatus.PartiallyFilled, batch.Status);
    }

    [Fact]
    public async Task Unplaced_EveryOrder_BatchUnplacedAndTransactionCompleted()
    {
        var id = await Sim.CreateAsync(Buy("TCS", 2));
        await Sim.SetScenarioAsync(id, new Scenario { DefaultOutcome = new OrderOutcome { Kind = OutcomeKind.Unplaced } });

        var batch = (await Sim.CompleteFlowAsync(id)).OrderBatches.Single();

        Assert.Equal(BatchStatus.Unplaced, batch.Status);
        Assert.Empty(batch.Orders);
        Assert.Equal(TransactionStatus.Completed, (await Sim.DetailsAsync(id)).Status);
    }

    [Fact]
    public async Task AdapterError_EveryPlacedOrder_BatchError()
    {
        var id = await Sim.CreateAsync(Buy("TCS", 2));
        await Sim.SetScenarioAsync(id, new Scenario { DefaultOutcome = new OrderOutcome { Kind = OutcomeKind.Error } });

        var batch = (await Sim.CompleteFlowAsync(id)).OrderBatches.Single();

        Assert.Equal(BatchStatus.Error, batch.Status);
        Assert.Equal(StockOrderStatus.Error, batch.Orders.Single().Status);
    }
}
