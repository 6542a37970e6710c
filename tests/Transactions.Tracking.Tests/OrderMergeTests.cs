using Gateway.Client.Orders;
using static Transactions.Tracking.Tests.TestData;

namespace Transactions.Tracking.Tests;

public sealed class OrderMergeTests
{
    [Fact]
    public void Merge_NewStock_AddedAndReportedAsNew()
    {
        var result = TrackedOrders.Empty.Merge([Batch("PLACED", Order("ITC", "PLACED", exchangeOrderId: "1100000004830698"))], TransactionId);

        var stock = result.Orders.Single();
        Assert.True(result.Changed);
        Assert.Equal(1, result.StocksAccepted);
        Assert.Equal(("ITC", TradeType.Buy, StockOrderStatus.Placed, "1100000004830698"), (stock.Ticker, stock.TransactionType, stock.Status, stock.ExchangeOrderId));
        var change = Assert.Single(result.StockChanges);
        Assert.Null(change.OldStatus);
        Assert.Equal(StockOrderStatus.Placed, change.NewStatus);
    }

    [Fact]
    public void Merge_PlacedThenComplete_ReportsOldAndNewStatusWithFill()
    {
        var placed = Merge([Batch("PLACED", Order("ITC", "PLACED"))]);

        var result = placed.Merge([Batch("COMPLETED", Order("ITC", "COMPLETE", filled: 10, averagePrice: 211.02m))], TransactionId);

        var change = Assert.Single(result.StockChanges);
        Assert.Equal((StockOrderStatus.Placed, StockOrderStatus.Complete, 0, 10), (change.OldStatus, change.NewStatus, change.OldFilledQuantity, change.FilledQuantity));
        Assert.Equal(211.02m, result.Orders.Single().AveragePrice);
    }

    [Fact]
    public void Merge_LatePlacedAfterComplete_ChangesNothing()
    {
        var completed = Merge([Batch("COMPLETED", Order("ITC", "COMPLETE", filled: 10, averagePrice: 211.02m))]);

        var result = completed.Merge([Batch("PLACED", Order("ITC", "PLACED"))], TransactionId);

        Assert.False(result.Changed);
        Assert.Same(completed, result.Orders);
        Assert.Empty(result.StockChanges);
        Assert.Empty(result.Conflicts);
    }

    [Theory]
    [InlineData("COMPLETE")]
    [InlineData("REJECTED")]
    [InlineData("CANCELLED")]
    [InlineData("CANCELLED AMO")]
    public void Merge_FinalThenAnyNonFinal_KeepsFinal(string final)
    {
        var orders = Merge([Batch("PLACED", Order("ITC", final, filled: 4))]);

        foreach (var later in new[] { "PLACED", "ACKED", "PARTIAL", "TRIGGER PENDING" })
        {
            orders = orders.Merge([Batch("PLACED", Order("ITC", later, filled: 2))], TransactionId).Orders;
        }

        Assert.Equal((StockOrderStatus.From(final), 4), (orders.Single().Status, orders.Single().FilledQuantity));
    }

    [Fact]
    public void Merge_LowerFilledQuantity_NeverDecreases()
    {
        var orders = Merge(
            [Batch("PLACED", Order("ITC", "PARTIAL", filled: 6, averagePrice: 210m))],
            [Batch("PLACED", Order("ITC", "PARTIAL", filled: 3, averagePrice: 209m))]);

        Assert.Equal((6, 210m), (orders.Single().FilledQuantity, orders.Single().AveragePrice));
    }

    [Fact]
    public void Merge_HigherFillWithSameStatus_TakesFillAndItsAveragePrice()
    {
        var orders = Merge(
            [Batch("PLACED", Order("ITC", "PARTIAL", filled: 3, averagePrice: 209m))],
            [Batch("PLACED", Order("ITC", "PARTIAL", filled: 6, averagePrice: 210.5m))]);

        Assert.Equal((6, 210.5m), (orders.Single().FilledQuantity, orders.Single().AveragePrice));
    }

    [Theory]
    [InlineData("PLACED", "ACKED", "ACKED")]
    [InlineData("ACKED", "PLACED", "ACKED")]
    [InlineData("PARTIAL", "PLACED", "PARTIAL")]
    [InlineData("PLACED", "PARTIAL", "PARTIAL")]
    public void Merge_NonFinalStatuses_MoveForwardOnly(string first, string second, string expected)
    {
        var orders = Merge([Batch("PLACED", Order("ITC", first))], [Batch("PLACED", Order("ITC", second))]);

        Assert.Equal(StockOrderStatus.From(expected), orders.Single().Status);
    }

    [Fact]
    public void Merge_UnknownStatus_KeptAndNotFinal()
    {
        var orders = Merge([Batch("PLACED", Order("ITC", "PLACED"))], [Batch("PLACED", Order("ITC", "TRIGGER PENDING"))]);

        var stock = orders.Single();
        Assert.Equal("TRIGGER PENDING", stock.Status.Value);
        Assert.False(stock.IsFinal);
        Assert.False(orders.AllFinal);
    }

    [Fact]
    public void Merge_UnknownStatusAfterFinal_DoesNotOverwrite()
    {
        var orders = Merge([Batch("COMPLETED", Order("ITC", "REJECTED", errorCode: "marginsExceeded"))], [Batch("PLACED", Order("ITC", "SOMETHING NEW"))]);

        Assert.Equal((StockOrderStatus.Rejected, "marginsExceeded"), (orders.Single().Status, orders.Single().ErrorCode));
    }

    [Fact]
    public void Merge_ErrorThenNonErrorFinal_IsTheOneCorrection()
    {
        var errored = Merge([Batch("ERROR", Order("ITC", "ERROR", errorCode: "adapterError"))]);

        var result = errored.Merge([Batch("FIXED", Order("ITC", "COMPLETE", filled: 10, averagePrice: 211m, exchangeOrderId: "11"))], TransactionId);

        var stock = result.Orders.Single();
        Assert.Equal((StockOrderStatus.Complete, 10, 211m, null, "11"), (stock.Status, stock.FilledQuantity, stock.AveragePrice, stock.ErrorCode, stock.ExchangeOrderId));
        var change = Assert.Single(result.StockChanges);
        Assert.Equal(StockOrderStatus.Error, change.OldStatus);
        Assert.Equal(BatchStatus.Fixed, Assert.Single(result.Orders.Batches).Status);
    }

    [Fact]
    public void Merge_NonErrorFinalThenError_KeepsNonErrorFinal()
    {
        var orders = Merge([Batch("FIXED", Order("ITC", "COMPLETE", filled: 10))], [Batch("ERROR", Order("ITC", "ERROR", errorCode: "adapterError"))]);

        Assert.Equal(StockOrderStatus.Complete, orders.Single().Status);
        Assert.Equal(BatchStatus.Fixed, Assert.Single(orders.Batches).Status);
    }

    [Fact]
    public void Merge_ErrorThenNonFinal_KeepsError()
    {
        var orders = Merge([Batch("ERROR", Order("ITC", "ERROR"))], [Batch("PLACED", Order("ITC", "PLACED"))]);

        Assert.Equal(StockOrderStatus.Error, orders.Single().Status);
    }

    [Theory]
    [InlineData("FIXED")]
    [InlineData("MARKEDCOMPLETE")]
    public void Merge_BatchErrorThenCorrected_BatchUpdatedButStockKeepsItsOwnStatus(string corrected)
    {
        var orders = Merge([Batch("ERROR", Order("ITC", "ERROR"))], [Batch(corrected, Order("ITC", "ERROR"))]);

        Assert.Equal(BatchStatus.From(corrected), Assert.Single(orders.Batches).Status);
        Assert.Equal(StockOrderStatus.Error, orders.Single().Status);
    }

    [Fact]
    public void Merge_FinalBatchThenTransitional_KeepsFinalBatch()
    {
        var orders = Merge([Batch("COMPLETED", Order("ITC", "COMPLETE", filled: 10))], [Batch("PLACED", Order("ITC", "PLACED"))]);

        Assert.Equal(BatchStatus.Completed, Assert.Single(orders.Batches).Status);
    }

    [Fact]
    public void Merge_BatchFilledCountLower_NeverDecreases()
    {
        var two = Batch("PARTIALLYFILLED", Order("ITC", "COMPLETE", filled: 10), Order("TCS", "COMPLETE", filled: 5, quantity: 5));
        var stale = Batch("PLACED", Order("ITC", "PLACED"), Order("TCS", "PLACED", quantity: 5));

        var orders = Merge([stale], [two], [stale]);

        Assert.Equal(2, Assert.Single(orders.Batches).Filled);
    }

    [Fact]
    public void Merge_ConflictingFinal_KeepsFirstAndReportsConflict()
    {
        var completed = Merge([Batch("COMPLETED", Order("ITC", "COMPLETE", filled: 10))]);

        var result = completed.Merge([Batch("COMPLETED", Order("ITC", "REJECTED"))], TransactionId);

        Assert.Equal(StockOrderStatus.Complete, result.Orders.Single().Status);
        var conflict = Assert.Single(result.Conflicts);
        Assert.Equal((StockOrderStatus.Complete, 10, StockOrderStatus.Rejected, 0), (conflict.KeptStatus, conflict.KeptFilledQuantity, conflict.IgnoredStatus, conflict.IgnoredFilledQuantity));
    }

    [Fact]
    public void Merge_UnplacedLeg_IsFinalErrorMarkedUnplaced()
    {
        var batch = Batch(BatchId, "PARTIALLYPLACED", "regular", [Order("ITC", "PLACED")], [Order("TCS", "", errorCode: "checkHoldings", side: "SELL")]);

        var orders = Merge([batch]);

        var unplaced = Assert.Single(orders.Stocks, stock => stock.Ticker == "TCS");
        Assert.Equal((StockOrderStatus.Error, true, "checkHoldings"), (unplaced.Status, unplaced.IsUnplaced, unplaced.ErrorCode));
    }

    [Fact]
    public void Merge_UnplacedLegLaterPlacedAndCompleted_CorrectedAndNoLongerUnplaced()
    {
        var first = Batch(BatchId, "ERROR", "regular", [], [Order("TCS", "ERROR", side: "SELL")]);
        var fixedBatch = Batch(BatchId, "FIXED", "regular", [Order("TCS", "COMPLETE", filled: 10, side: "SELL")]);

        var stock = Merge([first], [fixedBatch]).Single();

        Assert.Equal((StockOrderStatus.Complete, false), (stock.Status, stock.IsUnplaced));
    }

    [Fact]
    public void Merge_UserChangedQuantityAndSideInSdk_TracksTheReturnedOrder()
    {
        // Requested: BUY 10 ITC. The user confirmed SELL 4 in the SDK; only what came back counts.
        var orders = Merge(
            [Batch("PLACED", Order("ITC", "PLACED", quantity: 4, side: "SELL"))],
            [Batch("COMPLETED", Order("ITC", "COMPLETE", quantity: 4, filled: 4, side: "SELL"))]);

        var stock = orders.Single();
        Assert.Equal((TradeType.Sell, 4, 4, StockOrderStatus.Complete), (stock.TransactionType, stock.Quantity, stock.FilledQuantity, stock.Status));
        Assert.True(orders.AllFinal);
    }

    [Fact]
    public void Merge_SameTickerBothSides_TrackedAsTwoStocks()
    {
        var orders = Merge([Batch("PLACED", Order("ITC", "PLACED", side: "BUY"), Order("ITC", "COMPLETE", filled: 10, side: "SELL"))]);

        Assert.Equal(2, orders.Stocks.Count);
        Assert.False(orders.AllFinal);
    }

    [Fact]
    public void Merge_SameTickerInTwoBatches_TrackedAsTwoStocks()
    {
        var first = Batch("batch-a", "ERROR", "regular", [], [Order("ITC", "ERROR")]);
        var second = Batch("batch-b", "PLACED", "regular", [Order("ITC", "PLACED")]);

        var orders = Merge([first, second]);

        Assert.Equal(["batch-a", "batch-b"], orders.Stocks.Select(stock => stock.BatchId));
        Assert.Equal([StockOrderStatus.Error, StockOrderStatus.Placed], orders.Stocks.Select(stock => stock.Status));
    }

    [Fact]
    public void Merge_TickerCaseDiffers_SameStock()
    {
        var orders = Merge([Batch("PLACED", Order("ITC", "PLACED"))], [Batch("COMPLETED", Order("itc", "COMPLETE", filled: 10))]);

        Assert.Equal(("ITC", StockOrderStatus.Complete), (orders.Single().Ticker, orders.Single().Status));
    }

    [Fact]
    public void Merge_MissingBatchIdThenBatchId_AdoptsBatchId()
    {
        var orders = Merge(
            [Batch(null, "PLACED", "regular", [Order("ITC", "PLACED")])],
            [Batch(BatchId, "COMPLETED", "regular", [Order("ITC", "COMPLETE", filled: 10)])]);

        Assert.Equal((BatchId, StockOrderStatus.Complete), (orders.Single().BatchId, orders.Single().Status));
        Assert.Equal(BatchId, Assert.Single(orders.Batches).BatchId);
    }

    [Fact]
    public void Merge_BatchIdThenMissingBatchId_MatchesByTickerAndSide()
    {
        var orders = Merge(
            [Batch(BatchId, "PLACED", "regular", [Order("ITC", "PLACED")])],
            [Batch(null, "COMPLETED", "regular", [Order("ITC", "COMPLETE", filled: 10)])]);

        Assert.Equal((BatchId, StockOrderStatus.Complete), (orders.Single().BatchId, orders.Single().Status));
        Assert.Equal(BatchStatus.Completed, Assert.Single(orders.Batches).Status);
    }

    [Fact]
    public void Merge_MissingBatchIdSeveralCandidates_MatchesTheOpenOrder()
    {
        var orders = Merge(
            [Batch("batch-a", "ERROR", "regular", [], [Order("ITC", "ERROR")]), Batch("batch-b", "PLACED", "regular", [Order("ITC", "PLACED")])],
            [Batch(null, "COMPLETED", "regular", [Order("ITC", "COMPLETE", filled: 10)])]);

        Assert.Equal(StockOrderStatus.Error, orders.Stocks.Single(stock => stock.BatchId == "batch-a").Status);
        Assert.Equal(StockOrderStatus.Complete, orders.Stocks.Single(stock => stock.BatchId == "batch-b").Status);
    }

    [Fact]
    public void Merge_BatchOfAnotherTransaction_Skipped()
    {
        var foreign = Batch("PLACED", Order("ITC", "PLACED")) with { TransactionId = OtherTransactionId };

        var result = TrackedOrders.Empty.Merge([foreign], TransactionId);

        Assert.False(result.Changed);
        Assert.Equal(0, result.StocksAccepted);
        Assert.Empty(result.Orders.Stocks);
    }

    [Fact]
    public void Merge_ExchangeOrderIdArrivesAfterFinal_FilledIn()
    {
        var orders = Merge([Batch("COMPLETED", Order("ITC", "COMPLETE", filled: 10))], [Batch("PLACED", Order("ITC", "PLACED", exchangeOrderId: "1100000004830698"))]);

        Assert.Equal((StockOrderStatus.Complete, "1100000004830698"), (orders.Single().Status, orders.Single().ExchangeOrderId));
    }

    [Fact]
    public void Merge_NumericExchangeIdVariant_UsedAsExchangeOrderId()
    {
        var order = Order("ITC", "COMPLETE", filled: 10) with { ExchangeId = "1100000004830698" };

        Assert.Equal("1100000004830698", Merge([Batch("COMPLETED", order)]).Single().ExchangeOrderId);
    }

    [Fact]
    public void Merge_AmoBatch_StockCarriesVariety()
    {
        var orders = Merge([Batch(BatchId, "PLACED", "amo", [Order("ITC", "PLACED")])]);

        Assert.Equal(OrderVariety.Amo, orders.Single().Variety);
    }

    [Fact]
    public void Merge_SameSnapshotAgain_UnchangedSameInstance()
    {
        var snapshot = new[] { Batch("PLACED", Order("ITC", "PARTIAL", filled: 3), Order("TCS", "PLACED", side: "SELL")) };
        var orders = Merge(snapshot);

        var result = orders.Merge(snapshot, TransactionId);

        Assert.False(result.Changed);
        Assert.Same(orders, result.Orders);
        Assert.Empty(result.StockChanges);
    }

    [Fact]
    public void Merge_MissingStatus_KeptAsUnknownNonFinal()
    {
        var order = Order("ITC", "PLACED") with { Status = default };

        var stock = Merge([Batch("PLACED", order)]).Single();

        Assert.Equal(string.Empty, stock.Status.Value);
        Assert.False(stock.IsFinal);
    }

    [Fact]
    public void Merge_StocksAreSortedWhateverTheArrivalOrder()
    {
        var orders = Merge([Batch("PLACED", Order("TCS", "PLACED"), Order("ITC", "PLACED"), Order("INFY", "PLACED"))]);

        Assert.Equal(["INFY", "ITC", "TCS"], orders.Stocks.Select(stock => stock.Ticker));
    }
}
