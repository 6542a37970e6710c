using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gateway.Client.Orders;
using static Transactions.Tracking.Tests.TestData;

namespace Transactions.Tracking.Tests;

/// <summary>
/// Merging is order-independent for snapshots of one history, and monotonic for any snapshots at all.
/// </summary>
public sealed class OrderMergePropertyTests
{
    [Property(Arbitrary = [typeof(MergeArbitraries)], MaxTest = 300)]
    public bool Merge_AnyPermutationWithDuplicates_SameResult(OrderHistory history) =>
        Merge([.. history.Snapshots.Select(history.View)]).Equals(Merge([.. history.Delivered.Select(history.View)]));

    [Property(Arbitrary = [typeof(MergeArbitraries)], MaxTest = 300)]
    public bool Merge_AnyOrder_EqualsLatestViewOfEachBatch(OrderHistory history)
    {
        var latest = history.Delivered
            .SelectMany(snapshot => snapshot.Batches.Select(batch => (batch, snapshot.Time)))
            .GroupBy(seen => seen.batch, seen => seen.Time)
            .Select(group => new Snapshot(group.Max(), [group.Key]));

        var expected = Merge([.. latest.Select(history.View)]);

        return expected.Equals(Merge([.. history.Delivered.Select(history.View)]));
    }

    [Property(Arbitrary = [typeof(MergeArbitraries)], MaxTest = 500)]
    public void Merge_AnySnapshots_FinalStatusesAndFillsAreMonotonic(RandomSnapshots snapshots)
    {
        var orders = TrackedOrders.Empty;
        foreach (var snapshot in snapshots.Batches)
        {
            var next = orders.Merge([snapshot], TransactionId).Orders;
            AssertMonotonic(orders, next);
            orders = next;
        }
    }

    private static void AssertMonotonic(TrackedOrders before, TrackedOrders after)
    {
        foreach (var old in before.Stocks)
        {
            var now = Assert.Single(after.Stocks, stock => stock.BatchId == old.BatchId && stock.Ticker == old.Ticker && stock.TransactionType == old.TransactionType);
            Assert.True(now.FilledQuantity >= old.FilledQuantity, $"{old.Ticker}: filled {old.FilledQuantity} -> {now.FilledQuantity}");
            if (old.Status == StockOrderStatus.Error)
            {
                Assert.True(now.IsFinal, $"{old.Ticker}: ERROR -> {now.Status}");
            }
            else if (old.IsFinal)
            {
                Assert.Equal(old.Status, now.Status);
            }
        }

        foreach (var old in before.Batches)
        {
            var now = Assert.Single(after.Batches, batch => batch.BatchId == old.BatchId);
            Assert.True(now.Filled >= old.Filled, $"batch {old.BatchId}: filled {old.Filled} -> {now.Filled}");
            if (old.Status == BatchStatus.Error)
            {
                Assert.True(now.Status.IsFinal);
            }
            else if (old.Status.IsFinal)
            {
                Assert.Equal(old.Status, now.Status);
            }
        }
    }
}

/// <summary>One observation of a stock order at some point of its life.</summary>
public sealed record Observation(string Status, int Filled, string? ExchangeOrderId, bool Unplaced, string? ErrorCode);

/// <summary>The life of one stock order: observations in the order the Gateway produced them.</summary>
public sealed record StockPath(string Ticker, string Side, string OrderType, int Quantity, IReadOnlyList<Observation> Steps)
{
    public Observation At(int time) => Steps[Math.Min(time, Steps.Count - 1)];

    public override string ToString() => $"{Ticker} {Side} x{Quantity}: {string.Join(" > ", Steps.Select(step => $"{step.Status}({step.Filled}{(step.Unplaced ? ",unplaced" : "")})"))}";
}

public sealed record BatchPlan(string BatchId, string Variety, IReadOnlyList<StockPath> Stocks);

/// <summary>A view of some batches at one time.</summary>
public sealed record Snapshot(int Time, IReadOnlyList<int> Batches)
{
    public override string ToString() => $"t{Time}[{string.Join(",", Batches)}]";
}

/// <summary>A consistent history, the snapshots taken of it, and the same snapshots as delivered: shuffled, some twice.</summary>
public sealed record OrderHistory(IReadOnlyList<BatchPlan> Plans, IReadOnlyList<Snapshot> Snapshots, IReadOnlyList<Snapshot> Delivered)
{
    public OrderBatch[] View(Snapshot snapshot) => [.. snapshot.Batches.Select(index => View(Plans[index], snapshot.Time))];

    public override string ToString() =>
        string.Join(" | ", Plans.Select(plan => $"{plan.BatchId}: {string.Join("; ", plan.Stocks)}"))
        + $" || taken {string.Join(" ", Snapshots)} || delivered {string.Join(" ", Delivered)}";

    private static OrderBatch View(BatchPlan plan, int time)
    {
        var seen = plan.Stocks.Select(stock => (stock, step: stock.At(time))).ToList();
        var corrected = plan.Stocks.Any(stock => stock.Steps.Take(Math.Min(time, stock.Steps.Count - 1)).Any(step => step.Status == "ERROR"));
        var status = seen.Exists(s => !StockOrderStatus.From(s.step.Status).IsFinal) ? "PLACED"
            : seen.Exists(s => s.step.Status == "ERROR") ? "ERROR"
            : corrected ? "FIXED"
            : "COMPLETED";
        return new OrderBatch
        {
            BatchId = plan.BatchId,
            TransactionId = TransactionId,
            Variety = OrderVariety.From(plan.Variety),
            Status = BatchStatus.From(status),
            Quantity = plan.Stocks.Count,
            Filled = seen.Count(s => s.step.Status == "COMPLETE"),
            BuyAmount = seen.Where(s => s.stock.Side == "BUY").Sum(s => s.step.Filled * MergeArbitraries.AveragePrice(s.step.Filled)),
            SellAmount = seen.Where(s => s.stock.Side == "SELL").Sum(s => s.step.Filled * MergeArbitraries.AveragePrice(s.step.Filled)),
            CompletedDate = status == "PLACED" ? null : new DateTimeOffset(2026, 1, 7, 6, 0, 0, TimeSpan.Zero),
            Orders = [.. seen.Where(s => !s.step.Unplaced).Select(s => ToOrder(s.stock, s.step))],
            Unplaced = [.. seen.Where(s => s.step.Unplaced).Select(s => ToOrder(s.stock, s.step))],
        };
    }

    private static StockOrder ToOrder(StockPath stock, Observation step) =>
        Order(stock.Ticker, step.Status, stock.Quantity, step.Filled, stock.Side, stock.OrderType, MergeArbitraries.AveragePrice(step.Filled), step.ExchangeOrderId, step.ErrorCode);
}

/// <summary>Arbitrary snapshots with no consistency at all: statuses, fills and batches at random.</summary>
public sealed record RandomSnapshots(IReadOnlyList<OrderBatch> Batches)
{
    public override string ToString() => string.Join(" | ", Batches.Select(batch =>
        $"{batch.BatchId}/{batch.Status}: {string.Join(", ", batch.Orders.Concat(batch.Unplaced).Select(order => $"{order.Tradingsymbol} {order.TransactionType} {order.Status}({order.FilledQuantity})"))}"));
}

public static class MergeArbitraries
{
    private static readonly string[] NonFinalPath = ["PLACED", "ACKED", "PARTIAL", "TRIGGER PENDING"];
    private static readonly string[] Tickers = ["ITC", "TCS", "INFY", "RELIANCE"];

    private enum Ending
    {
        StillOpen,
        Complete,
        Rejected,
        Cancelled,
        CancelledAmo,
        Error,
        ErrorCorrected,
        Unplaced,
        UnplacedCorrected,
    }

    public static decimal AveragePrice(int filled) => filled == 0 ? 0m : 100m + (filled / 4m);

    public static Arbitrary<OrderHistory> Histories() => Arb.From(History());

    public static Arbitrary<RandomSnapshots> Randoms() => Arb.From(
        Gen.NonEmptyListOf(RandomBatch()).Select(batches => new RandomSnapshots([.. batches])));

    private static Gen<OrderHistory> History() =>
        from batchCount in Gen.Choose(1, 2)
        from plans in Gen.CollectToList(Enumerable.Range(0, batchCount), index => Plan($"batch-{index}"))
        let length = plans.Max(plan => plan.Stocks.Max(stock => stock.Steps.Count))
        from snapshots in Gen.NonEmptyListOf(Snapshot(length, batchCount))
        from duplicates in Gen.SubListOf<Snapshot>(snapshots)
        from delivered in Gen.Shuffle(snapshots.Concat(duplicates))
        select new OrderHistory([.. plans], [.. snapshots], [.. delivered]);

    private static Gen<Snapshot> Snapshot(int length, int batchCount) =>
        from time in Gen.Choose(0, length - 1)
        from batches in Gen.SubListOf(Enumerable.Range(0, batchCount)).Where(list => list.Count > 0)
        select new Snapshot(time, [.. batches]);

    private static Gen<BatchPlan> Plan(string batchId) =>
        from tickers in Gen.Shuffle(Tickers)
        from count in Gen.Choose(1, 3)
        from variety in Gen.Elements("regular", "amo")
        from stocks in Gen.CollectToList(tickers.Take(count), Path)
        select new BatchPlan(batchId, variety, [.. stocks]);

    private static Gen<StockPath> Path(string ticker) =>
        from quantity in Gen.Choose(2, 40)
        from side in Gen.Elements("BUY", "SELL")
        from orderType in Gen.Elements("MARKET", "LIMIT")
        from prefix in Gen.SubListOf(NonFinalPath)
        from partial in Gen.Choose(1, quantity - 1)
        from ending in Gen.Elements(Enum.GetValues<Ending>())
        select new StockPath(ticker, side, orderType, quantity, Steps(ticker, quantity, [.. prefix], partial, ending));

    private static List<Observation> Steps(string ticker, int quantity, List<string> prefix, int partial, Ending ending)
    {
        var exchangeOrderId = $"EX-{ticker}";
        if (ending is Ending.Unplaced or Ending.UnplacedCorrected)
        {
            var unplaced = new List<Observation> { new("ERROR", 0, null, true, "checkHoldings") };
            if (ending == Ending.UnplacedCorrected)
            {
                unplaced.Add(new("COMPLETE", quantity, exchangeOrderId, false, null));
            }

            return unplaced;
        }

        var steps = new List<Observation>();
        var filled = 0;
        foreach (var status in NonFinalPath.Where(prefix.Contains))
        {
            filled = status == "PARTIAL" ? partial : filled;
            steps.Add(new(status, filled, status == "PLACED" ? null : exchangeOrderId, false, null));
        }

        switch (ending)
        {
            case Ending.StillOpen when steps.Count == 0:
                steps.Add(new("PLACED", 0, null, false, null));
                break;
            case Ending.Complete:
                steps.Add(new("COMPLETE", quantity, exchangeOrderId, false, null));
                break;
            case Ending.Rejected:
                steps.Add(new("REJECTED", filled, exchangeOrderId, false, "marginsExceeded"));
                break;
            case Ending.Cancelled:
                steps.Add(new("CANCELLED", filled, exchangeOrderId, false, null));
                break;
            case Ending.CancelledAmo:
                steps.Add(new("CANCELLED AMO", filled, exchangeOrderId, false, null));
                break;
            case Ending.Error:
                steps.Add(new("ERROR", filled, exchangeOrderId, false, "adapterError"));
                break;
            case Ending.ErrorCorrected:
                steps.Add(new("ERROR", filled, exchangeOrderId, false, "adapterError"));
                steps.Add(new("COMPLETE", quantity, exchangeOrderId, false, null));
                break;
        }

        return steps;
    }

    private static Gen<OrderBatch> RandomBatch() =>
        from batchId in Gen.Elements("batch-a", "batch-b")
        from status in Gen.Elements("PLACED", "ACKED", "PARTIALLYPLACED", "COMPLETED", "PARTIALLYFILLED", "UNFILLED", "ERROR", "FIXED", "MARKEDCOMPLETE", "NEW-BATCH-STATE")
        from filled in Gen.Choose(0, 3)
        from orders in Gen.ListOf(RandomOrder())
        from unplaced in Gen.ListOf(RandomOrder())
        select new OrderBatch
        {
            BatchId = batchId,
            TransactionId = TransactionId,
            Status = BatchStatus.From(status),
            Filled = filled,
            Orders = [.. orders],
            Unplaced = [.. unplaced],
        };

    private static Gen<StockOrder> RandomOrder() =>
        from ticker in Gen.Elements("ITC", "TCS")
        from side in Gen.Elements("BUY", "SELL")
        from status in Gen.Elements("PLACED", "ACKED", "PARTIAL", "COMPLETE", "REJECTED", "CANCELLED", "CANCELLED AMO", "ERROR", "OPEN PENDING", "")
        from filled in Gen.Choose(0, 10)
        select Order(ticker, status, quantity: 10, filled: filled, side: side, averagePrice: AveragePrice(filled));
}
