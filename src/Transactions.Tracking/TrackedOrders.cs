using System.Text.Json.Serialization;
using Gateway.Client.Orders;

namespace Transactions.Tracking;

/// <summary>
/// The merged orders of one transaction, kept sorted so that equal content compares and serialises equally.
/// </summary>
/// <remarks>
/// <para>Merge rules (monotonic; for snapshots of one history, the result does not depend on their order or on duplicates):</para>
/// <list type="bullet">
/// <item>Stocks are matched by (batchId, tradingsymbol, transactionType), case-insensitively. A snapshot without a batch id
/// matches the stock with that ticker and side (the first open one if several batches have it); a stored stock without
/// a batch id takes the batch id of the first snapshot that has one.</item>
/// <item>A non-final status moves forward: PLACED, ACKED, PARTIAL, then unknown values (kept, never final, ordered by text).
/// A final status beats any non-final one, so a late PLACED after COMPLETE changes nothing.</item>
/// <item>A final status other than ERROR is frozen: only missing identifiers (exchange order id, batch id, variety,
/// order type) are filled in. A snapshot that contradicts it is reported as a <see cref="StockConflict"/>.</item>
/// <item>The one exception to "final never changes": a stock whose status is ERROR takes the data of any snapshot in
/// which that stock has a non-ERROR final status (smallcase corrected the leg, e.g. the batch became FIXED or
/// MARKEDCOMPLETE and the order was placed), and is then frozen. A non-final status never replaces ERROR. Batches
/// follow the same rule: an ERROR batch takes a non-ERROR final batch status. A batch status never rewrites its
/// stocks: stock status is trusted over batch status.</item>
/// <item>Filled quantities (stock) and filled counts (batch) never decrease; a stock's average price and a batch's buy/sell
/// amounts come from the snapshot that reported the highest fill. Between batch snapshots with equal status and fill,
/// the one with the larger traded amount is taken as the later one.</item>
/// <item>A leg in <c>unplaced[]</c> never reached the broker: a non-final status there is recorded as ERROR.</item>
/// <item>Batches whose transactionId names another transaction are skipped.</item>
/// </list>
/// </remarks>
public sealed record TrackedOrders
{
    public static TrackedOrders Empty { get; } = new();

    public IReadOnlyList<TrackedBatch> Batches { get; init; } = [];

    public IReadOnlyList<TrackedStock> Stocks { get; init; } = [];

    /// <summary>True when at least one stock is known and every stock is final.</summary>
    [JsonIgnore]
    public bool AllFinal => Stocks.Count > 0 && Stocks.All(stock => stock.IsFinal);

    [JsonIgnore]
    public IEnumerable<TrackedStock> OpenStocks => Stocks.Where(stock => !stock.IsFinal);

    public OrderMergeResult Merge(IEnumerable<OrderBatch?>? snapshot, string transactionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        var batches = Batches.ToList();
        var stocks = Stocks.ToList();
        var changes = new List<StockChange>();
        var conflicts = new List<StockConflict>();
        var accepted = 0;

        foreach (var batch in snapshot ?? [])
        {
            if (batch is null || !BelongsTo(batch, transactionId))
            {
                continue;
            }

            var batchId = string.IsNullOrEmpty(batch.BatchId) ? null : batch.BatchId;
            MergeBatch(batches, FromWire(batch, batchId));
            foreach (var order in batch.Orders ?? [])
            {
                accepted++;
                MergeStock(stocks, FromWire(order, batchId, batch.Variety, unplaced: false), changes, conflicts);
            }

            foreach (var order in batch.Unplaced ?? [])
            {
                accepted++;
                MergeStock(stocks, FromWire(order, batchId, batch.Variety, unplaced: true), changes, conflicts);
            }
        }

        batches.Sort(CompareBatches);
        stocks.Sort(CompareStocks);
        var merged = new TrackedOrders { Batches = batches, Stocks = stocks };
        var changed = !Equals(merged);
        return new OrderMergeResult(changed ? merged : this, changed, accepted, changes, conflicts);
    }

    public bool Equals(TrackedOrders? other) =>
        other is not null && Batches.SequenceEqual(other.Batches) && Stocks.SequenceEqual(other.Stocks);

    public override int GetHashCode() => HashCode.Combine(Batches.Count, Stocks.Count);

    private static bool BelongsTo(OrderBatch batch, string transactionId) =>
        string.IsNullOrEmpty(batch.TransactionId) || string.Equals(batch.TransactionId, transactionId, StringComparison.Ordinal);

    private static TrackedBatch FromWire(OrderBatch batch, string? batchId) => new()
    {
        BatchId = batchId,
        Status = BatchStatus.From(batch.Status.Value ?? string.Empty),
        Variety = batch.Variety,
        Quantity = batch.Quantity,
        Filled = Math.Max(batch.Filled, 0),
        BuyAmount = batch.BuyAmount,
        SellAmount = batch.SellAmount,
        CompletedDate = batch.CompletedDate,
    };

    private static TrackedStock FromWire(StockOrder order, string? batchId, OrderVariety? variety, bool unplaced)
    {
        var status = StockOrderStatus.From(order.Status.Value ?? string.Empty);
        return new TrackedStock
        {
            BatchId = batchId,
            Ticker = order.Tradingsymbol ?? string.Empty,
            TransactionType = TradeType.From(order.TransactionType.Value ?? string.Empty),
            Status = unplaced && !status.IsFinal ? StockOrderStatus.Error : status,
            Quantity = order.Quantity,
            FilledQuantity = Math.Max(order.FilledQuantity, 0),
            AveragePrice = order.AveragePrice,
            ErrorCode = order.ErrorCode,
            StatusMessage = order.StatusMessage,
            ExchangeOrderId = order.ExchangeOrderReference,
            Variety = variety,
            OrderType = order.OrderType,
            IsUnplaced = unplaced,
        };
    }

    private static void MergeBatch(List<TrackedBatch> batches, TrackedBatch incoming)
    {
        var index = FindBatch(batches, incoming.BatchId);
        if (index < 0)
        {
            batches.Add(incoming);
            return;
        }

        var stored = batches[index];
        if (IsFrozen(StatusPrecedence.Rank(stored.Status)))
        {
            batches[index] = stored with
            {
                BatchId = stored.BatchId ?? incoming.BatchId,
                Variety = stored.Variety ?? incoming.Variety,
                CompletedDate = stored.CompletedDate ?? incoming.CompletedDate,
            };
            return;
        }

        var order = StatusPrecedence.Compare(
            StatusPrecedence.Rank(incoming.Status), incoming.Status.Value, StatusPrecedence.Rank(stored.Status), stored.Status.Value);
        // Between equal statuses, the snapshot with more orders filled, then with more traded, is the later one.
        var incomingWins = order > 0
            || (order == 0 && (incoming.Filled, incoming.BuyAmount + incoming.SellAmount).CompareTo((stored.Filled, stored.BuyAmount + stored.SellAmount)) > 0);
        var (winner, other) = incomingWins ? (incoming, stored) : (stored, incoming);
        var fill = incoming.Filled > stored.Filled ? incoming : stored.Filled > incoming.Filled ? stored : winner;
        batches[index] = winner with
        {
            BatchId = stored.BatchId ?? incoming.BatchId,
            Variety = winner.Variety ?? other.Variety,
            CompletedDate = winner.CompletedDate ?? other.CompletedDate,
            Filled = fill.Filled,
            BuyAmount = fill.BuyAmount,
            SellAmount = fill.SellAmount,
        };
    }

    private static int FindBatch(List<TrackedBatch> batches, string? batchId)
    {
        var same = batches.FindIndex(batch => string.Equals(batch.BatchId, batchId, StringComparison.Ordinal));
        if (same >= 0)
        {
            return same;
        }

        // A batch without an id is the only batch if there is one; a stored batch without an id takes the first id seen.
        return batchId is null
            ? batches.Count == 1 ? 0 : -1
            : batches.FindIndex(batch => batch.BatchId is null);
    }

    private static void MergeStock(List<TrackedStock> stocks, TrackedStock incoming, List<StockChange> changes, List<StockConflict> conflicts)
    {
        var index = FindStock(stocks, incoming);
        if (index < 0)
        {
            stocks.Add(incoming);
            changes.Add(new StockChange(
                incoming.BatchId, incoming.Ticker, incoming.TransactionType, null, incoming.Status, 0, incoming.FilledQuantity, incoming.Quantity));
            return;
        }

        var stored = stocks[index];
        var merged = Combine(stored, incoming);
        if (IsFrozen(StatusPrecedence.Rank(stored.Status)) && Contradicts(stored, incoming))
        {
            conflicts.Add(new StockConflict(
                merged.BatchId, stored.Ticker, stored.TransactionType, stored.Status, stored.FilledQuantity, incoming.Status, incoming.FilledQuantity));
        }

        stocks[index] = merged;
        if (merged.Status != stored.Status || merged.FilledQuantity != stored.FilledQuantity)
        {
            changes.Add(new StockChange(
                merged.BatchId, merged.Ticker, merged.TransactionType, stored.Status, merged.Status, stored.FilledQuantity, merged.FilledQuantity, merged.Quantity));
        }
    }

    private static TrackedStock Combine(TrackedStock stored, TrackedStock incoming)
    {
        if (IsFrozen(StatusPrecedence.Rank(stored.Status)))
        {
            return stored with
            {
                BatchId = stored.BatchId ?? incoming.BatchId,
                ExchangeOrderId = stored.ExchangeOrderId ?? incoming.ExchangeOrderId,
                Variety = stored.Variety ?? incoming.Variety,
                OrderType = stored.OrderType ?? incoming.OrderType,
            };
        }

        var order = StatusPrecedence.Compare(
            StatusPrecedence.Rank(incoming.Status), incoming.Status.Value, StatusPrecedence.Rank(stored.Status), stored.Status.Value);
        var incomingWins = order > 0 || (order == 0 && incoming.FilledQuantity > stored.FilledQuantity);
        var (winner, other) = incomingWins ? (incoming, stored) : (stored, incoming);
        var fill = incoming.FilledQuantity > stored.FilledQuantity ? incoming
            : stored.FilledQuantity > incoming.FilledQuantity ? stored
            : winner;
        return winner with
        {
            BatchId = stored.BatchId ?? incoming.BatchId,
            Ticker = stored.Ticker,
            FilledQuantity = fill.FilledQuantity,
            AveragePrice = fill.AveragePrice,
            ExchangeOrderId = winner.ExchangeOrderId ?? other.ExchangeOrderId,
            Variety = winner.Variety ?? other.Variety,
            OrderType = winner.OrderType ?? other.OrderType,
        };
    }

    /// <summary>Whether a snapshot disagrees with a frozen (final, non-ERROR) stock rather than merely being older.</summary>
    private static bool Contradicts(TrackedStock stored, TrackedStock incoming) =>
        incoming.FilledQuantity > stored.FilledQuantity
        || (IsFrozen(StatusPrecedence.Rank(incoming.Status))
            && (incoming.Status != stored.Status || incoming.FilledQuantity != stored.FilledQuantity));

    private static bool IsFrozen(int rank) => rank == StatusPrecedence.FinalRank;

    private static int FindStock(List<TrackedStock> stocks, TrackedStock incoming)
    {
        var same = stocks.FindIndex(stock => string.Equals(stock.BatchId, incoming.BatchId, StringComparison.Ordinal) && SameLeg(stock, incoming));
        if (same >= 0)
        {
            return same;
        }

        if (incoming.BatchId is not null)
        {
            return stocks.FindIndex(stock => stock.BatchId is null && SameLeg(stock, incoming));
        }

        var open = stocks.FindIndex(stock => !stock.IsFinal && SameLeg(stock, incoming));
        return open >= 0 ? open : stocks.FindIndex(stock => SameLeg(stock, incoming));
    }

    private static bool SameLeg(TrackedStock a, TrackedStock b) =>
        string.Equals(a.Ticker, b.Ticker, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.TransactionType.Value, b.TransactionType.Value, StringComparison.OrdinalIgnoreCase);

    private static int CompareBatches(TrackedBatch a, TrackedBatch b) =>
        string.CompareOrdinal(a.BatchId ?? string.Empty, b.BatchId ?? string.Empty);

    private static int CompareStocks(TrackedStock a, TrackedStock b)
    {
        var byBatch = string.CompareOrdinal(a.BatchId ?? string.Empty, b.BatchId ?? string.Empty);
        if (byBatch != 0)
        {
            return byBatch;
        }

        var byTicker = string.Compare(a.Ticker, b.Ticker, StringComparison.OrdinalIgnoreCase);
        return byTicker != 0
            ? byTicker
            : string.Compare(a.TransactionType.Value, b.TransactionType.Value, StringComparison.OrdinalIgnoreCase);
    }
}
