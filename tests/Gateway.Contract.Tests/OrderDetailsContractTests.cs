using System.Net;
using Gateway.Client.Auth;
using Gateway.Client.Http;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Simulator.Scenarios;
using static Gateway.Contract.Tests.ContractHarness;

namespace Gateway.Contract.Tests;

public sealed class OrderDetailsContractTests : ContractTestBase
{
    [Fact]
    public async Task GetOrderDetails_UntilCompleted_EmptyThenTheBatch()
    {
        await H.MoveClockToAsync(FridayEvening);
        var created = await H.CreateAsync(Buy("RELIANCE", 10));
        var id = created.TransactionId;

        var initialized = await H.OrdersAsync(id);
        await H.LoginAsync(id);
        var used = await H.OrdersAsync(id);
        await H.ConfirmAsync(id);
        var processing = await H.OrdersAsync(id);
        var processingStatus = (await H.DetailsAsync(id)).Status;
        await H.MoveClockToAsync(MondayOpen);
        var completed = await H.OrdersAsync(id);

        Assert.Empty(initialized.OrderBatches);
        Assert.Empty(used.OrderBatches);
        Assert.Equal(TransactionStatus.Processing, processingStatus);
        Assert.Empty(processing.OrderBatches);
        var batch = Assert.Single(completed.OrderBatches);
        Assert.Equal(id, batch.TransactionId);
        Assert.Matches("^[0-9a-f]{24}$", batch.BatchId);
    }

    [Theory]
    [InlineData("SL")]
    [InlineData("SL-M")]
    public async Task StopLossOrder_ChosenInTheSdk_OpenUntilItsTriggerThenTheClientReadsItsTypeAndFill(string orderType)
    {
        H.UseScenario(Outcomes(("INFY", new OrderOutcome { Price = 1580.25m, SettleAfter = TimeSpan.FromMinutes(20) })));
        var created = await H.CreateAsync(Sell("INFY", 3));
        var id = created.TransactionId;
        await H.LoginAsync(id, "kite", "AB1234");
        await H.StepAsync(id, "order-type", new { ticker = "INFY", orderType });

        var sdkOrder = Assert.Single(Assert.Single((await H.ConfirmAsync(id)).OrderBatches).Orders);
        var pending = (await H.DetailsAsync(id)).Status;
        var pendingOrders = await H.OrdersAsync(id);
        await H.AdvanceClockAsync(TimeSpan.FromMinutes(21));
        var batch = Assert.Single((await H.OrdersAsync(id)).OrderBatches);

        Assert.Equal((OrderType.From(orderType), StockOrderStatus.Placed), (sdkOrder.OrderType, sdkOrder.Status));
        Assert.True(sdkOrder.OrderType?.RestsUntilClose);
        Assert.Equal(TransactionStatus.Processing, pending);
        Assert.Empty(pendingOrders.OrderBatches);
        var filled = Assert.Single(batch.Orders);
        Assert.Equal((OrderType.From(orderType), StockOrderStatus.Complete, 3, 1580.25m), (filled.OrderType, filled.Status, filled.FilledQuantity, filled.AveragePrice));
        Assert.Equal(BatchStatus.Completed, batch.Status);
    }

    [Fact]
    public async Task GetOrderDetails_Completed_MoneyIsExactDecimalsEqualToGroundTruth()
    {
        H.UseScenario(Outcomes(
            ("RELIANCE", new OrderOutcome { Price = 1512.35m }),
            ("ITC", new OrderOutcome { Price = 405.12m }),
            ("HDFCBANK", new OrderOutcome { Price = 998.45m })));
        var (id, _) = await H.TradeAsync(Buy("RELIANCE", 7), Sell("ITC", 13), Buy("HDFCBANK", 3));

        var batch = Assert.Single((await H.OrdersAsync(id)).OrderBatches);

        var truth = Assert.Single(H.Truth(id).Orders.OrderBatches);
        Assert.Equal(13581.80m, batch.BuyAmount);
        Assert.Equal(5266.56m, batch.SellAmount);
        Assert.Equal(truth.BuyAmount, batch.BuyAmount);
        Assert.Equal(truth.SellAmount, batch.SellAmount);
        Assert.Equal(1512.35m, OrderOf(batch, "RELIANCE").AveragePrice);
        Assert.Equal(405.12m, OrderOf(batch, "ITC").AveragePrice);
        Assert.Equal(998.45m, OrderOf(batch, "HDFCBANK").AveragePrice);
        Assert.All(truth.Orders, expected => Assert.Equal(expected.AveragePrice, OrderOf(batch, expected.Tradingsymbol).AveragePrice));
        Assert.Equal(BatchStatus.Completed, batch.Status);
        Assert.Equal(OrderVariety.Regular, batch.Variety);
        Assert.Equal(3, batch.Quantity);
        Assert.Equal(3, batch.Filled);
        Assert.Equal(FridayMorning, batch.CompletedDate);
        Assert.All(batch.Orders, order =>
        {
            Assert.Equal(StockOrderStatus.Complete, order.Status);
            Assert.Equal(order.Quantity, order.FilledQuantity);
            Assert.Equal(OrderType.Market, order.OrderType);
            Assert.Equal("CNC", order.Product);
            Assert.Equal("NSE", order.Exchange);
            Assert.Matches("^[0-9]{16}$", order.ExchangeOrderReference);
            Assert.Null(order.ErrorCode);
        });
        Assert.Equal(TradeType.Sell, OrderOf(batch, "ITC").TransactionType);
    }

    [Fact]
    public async Task GetOrderDetails_FillRejectPartialAndUnplaced_StatusesCodesAndOrderCounts()
    {
        H.UseScenario(Outcomes(
            ("RELIANCE", new OrderOutcome { Price = 1512.35m }),
            ("ITC", new OrderOutcome { Kind = OutcomeKind.Reject, ErrorCode = "checkHoldings" }),
            ("INFY", new OrderOutcome { Kind = OutcomeKind.Partial, FilledQuantity = 2, Price = 1500.10m, SettleAfter = TimeSpan.FromMinutes(10) }),
            ("TCS", new OrderOutcome { Kind = OutcomeKind.Unplaced })));
        var (id, sdkResult) = await H.TradeAsync(Buy("RELIANCE", 10), Sell("ITC", 5), Buy("INFY", 5), Buy("TCS", 1));

        var whileOpen = await H.OrdersAsync(id);
        var statusWhileOpen = (await H.DetailsAsync(id)).Status;
        await H.AdvanceClockAsync(TimeSpan.FromMinutes(10));
        var batch = Assert.Single((await H.OrdersAsync(id)).OrderBatches);

        // At confirm the partial fill is still open: the transaction is PROCESSING and order details stay empty.
        var placed = Assert.Single(sdkResult.OrderBatches);
        Assert.Equal(StockOrderStatus.Partial, OrderOf(placed, "INFY").Status);
        Assert.Equal(2, OrderOf(placed, "INFY").FilledQuantity);
        Assert.Equal(BatchStatus.PartiallyPlaced, placed.Status);
        Assert.Equal(TransactionStatus.Processing, statusWhileOpen);
        Assert.Empty(whileOpen.OrderBatches);

        Assert.Equal(TransactionStatus.Completed, (await H.DetailsAsync(id)).Status);
        Assert.Equal(BatchStatus.PartiallyFilled, batch.Status);
        Assert.Equal(4, batch.Quantity);
        Assert.Equal(1, batch.Filled);
        Assert.Equal(3, batch.Orders.Count);

        var filled = OrderOf(batch, "RELIANCE");
        Assert.Equal(StockOrderStatus.Complete, filled.Status);
        Assert.Equal(10, filled.FilledQuantity);

        var rejected = OrderOf(batch, "ITC");
        Assert.Equal(StockOrderStatus.Rejected, rejected.Status);
        Assert.Equal("checkHoldings", rejected.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(rejected.StatusMessage));
        Assert.Null(rejected.ExchangeOrderReference);
        Assert.Equal(0, rejected.FilledQuantity);

        var partial = OrderOf(batch, "INFY");
        Assert.Equal(StockOrderStatus.Cancelled, partial.Status);
        Assert.Equal(2, partial.FilledQuantity);
        Assert.True(partial.FilledQuantity < partial.Quantity);

        var unplaced = Assert.Single(batch.Unplaced);
        Assert.Equal("TCS", unplaced.Tradingsymbol);
        Assert.Equal(StockOrderStatus.Error, unplaced.Status);
        Assert.Equal("adapterError", unplaced.ErrorCode);
        Assert.Null(unplaced.ExchangeOrderReference);

        Assert.All(batch.Orders.Concat(batch.Unplaced), order => Assert.True(order.Status.IsFinal));
        Assert.Equal((10 * 1512.35m) + (2 * 1500.10m), batch.BuyAmount);
        Assert.Equal(0m, batch.SellAmount);
        var truth = Assert.Single(H.Truth(id).Orders.OrderBatches);
        Assert.Equal(truth.BuyAmount, batch.BuyAmount);
        Assert.Equal(truth.SellAmount, batch.SellAmount);
    }

    [Fact]
    public async Task GetOrderDetails_KiteLimitOrderStillOpenAtTheClose_Cancelled()
    {
        H.UseScenario(Outcomes(("HDFCBANK", new OrderOutcome { Kind = OutcomeKind.LimitOpen })));
        var (id, sdkResult) = await H.TradeAsync("kite", Buy("HDFCBANK", 4));

        await H.MoveClockToAsync(FridayClose.AddMinutes(-1));
        var beforeClose = await H.DetailsAsync(id);
        var ordersBeforeClose = await H.OrdersAsync(id);
        await H.MoveClockToAsync(FridayClose);
        var batch = Assert.Single((await H.OrdersAsync(id)).OrderBatches);

        var open = Assert.Single(Assert.Single(sdkResult.OrderBatches).Orders);
        Assert.Equal(OrderType.Limit, open.OrderType);
        Assert.Equal(StockOrderStatus.Placed, open.Status);
        Assert.Equal(TransactionStatus.Processing, beforeClose.Status);
        Assert.Empty(ordersBeforeClose.OrderBatches);

        var cancelled = Assert.Single(batch.Orders);
        Assert.Equal(OrderType.Limit, cancelled.OrderType);
        Assert.Equal(StockOrderStatus.Cancelled, cancelled.Status);
        Assert.Equal(0, cancelled.FilledQuantity);
        Assert.Equal(BatchStatus.Unfilled, batch.Status);
        Assert.Equal(0, batch.Filled);
        Assert.Equal(0m, batch.BuyAmount);
        Assert.Equal(FridayClose, batch.CompletedDate);
        Assert.Equal(TransactionStatus.Completed, (await H.DetailsAsync(id)).Status);
    }

    [Fact]
    public async Task GetOrderDetails_UserEditedQuantityAndSideInTheSdk_OrdersReflectTheEdit()
    {
        var created = await H.CreateAsync(Buy("RELIANCE", 10), Sell("ITC", 5));
        var id = created.TransactionId;
        await H.LoginAsync(id);
        await H.EditAsync(id, Buy("ITC", 7), Buy("RELIANCE", 4));
        await H.ConfirmAsync(id);

        var batch = Assert.Single((await H.OrdersAsync(id)).OrderBatches);

        Assert.Equal(4, OrderOf(batch, "RELIANCE").Quantity);
        Assert.Equal(4, OrderOf(batch, "RELIANCE").FilledQuantity);
        Assert.Equal(TradeType.Buy, OrderOf(batch, "ITC").TransactionType);
        Assert.Equal(7, OrderOf(batch, "ITC").Quantity);
        Assert.Equal(0m, batch.SellAmount);
        var truth = H.Truth(id);
        Assert.Equal(Assert.Single(truth.Orders.OrderBatches).BuyAmount, batch.BuyAmount);
        Assert.Equal([Buy("RELIANCE", 4), Buy("ITC", 7)], truth.Securities);
    }

    [Fact]
    public async Task GetOrderDetails_CreatedWithoutQuantitiesThenSetInTheSdk_OrdersCarryTheChosenValues()
    {
        var created = await H.CreateAsync(new SecurityOrder("RELIANCE"), new SecurityOrder("ITC"));
        var id = created.TransactionId;
        await H.LoginAsync(id);
        await H.EditAsync(id, Buy("RELIANCE", 2), Sell("ITC", 9));
        await H.ConfirmAsync(id);

        var batch = Assert.Single((await H.OrdersAsync(id)).OrderBatches);

        Assert.Equal((2, TradeType.Buy), (OrderOf(batch, "RELIANCE").Quantity, OrderOf(batch, "RELIANCE").TransactionType));
        Assert.Equal((9, TradeType.Sell), (OrderOf(batch, "ITC").Quantity, OrderOf(batch, "ITC").TransactionType));
        Assert.Equal(BatchStatus.Completed, batch.Status);
    }

    [Fact]
    public async Task GetOrderDetails_ConnectedTokenOfAnotherUser_SeesNoBatches()
    {
        var (id, _) = await H.TradeAsync(Buy("RELIANCE", 10));
        var owner = H.Truth(id).SmallcaseAuthId!;

        var others = await H.OrdersAsync(id, H.Connected("0123456789abcdef01234567"));
        var owners = await H.OrdersAsync(id, H.Connected(owner));

        Assert.Empty(others.OrderBatches);
        Assert.Single(owners.OrderBatches);
    }

    [Fact]
    public async Task GetOrderDetails_UnknownTransaction_EmptyNotAFailure()
    {
        var orders = await H.OrdersAsync("TRX_" + new string('0', 32));

        Assert.Empty(orders.OrderBatches);
    }

    [Fact]
    public async Task GetOrderDetails_Two503sThenAnswer_RetriedAndSucceeds()
    {
        var (id, _) = await H.TradeAsync(Buy("RELIANCE", 10));
        H.ArmFault(ApiNames.OrderDetails, new ApiFault { Status = 503, Count = 2 });

        var orders = await H.OrdersAsync(id);

        Assert.Single(orders.OrderBatches);
        Assert.Equal(0, H.FaultCallsLeft(ApiNames.OrderDetails));
    }

    [Fact]
    public async Task GetOrderDetails_WrongApiSecret_Unauthorized()
    {
        var (id, _) = await H.TradeAsync(Buy("RELIANCE", 10));
        await using var misconfigured = H.CreateClient(secrets: new GatewaySecrets(Secret, "not-the-api-secret"));

        var failure = await Assert.ThrowsAsync<GatewayApiException>(() => misconfigured.Client.GetOrderDetailsAsync(id, H.Guest(), H.Ct));

        Assert.Equal(GatewayFailureKind.Unauthorized, failure.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        Assert.Equal(GatewayOperation.GetOrderDetails, failure.Operation);
    }

    private static StockOrder OrderOf(OrderBatch batch, string ticker) => Assert.Single(batch.Orders, order => order.Tradingsymbol == ticker);
}
