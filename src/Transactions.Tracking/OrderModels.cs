using System.Text.Json.Serialization;
using Gateway.Client.Orders;

namespace Transactions.Tracking;

/// <summary>
/// One stock order as merged from every snapshot seen (webhooks, SDK result, order-details API).
/// Identified by (<see cref="BatchId"/>, <see cref="Ticker"/>, <see cref="TransactionType"/>): the orders that came
/// back, which may differ from what was requested because the user can change quantities and sides in the SDK.
/// </summary>
public sealed record TrackedStock
{
    /// <summary>Null when the snapshots carried no batch id (yet).</summary>
    public string? BatchId { get; init; }

    public required string Ticker { get; init; }

    public required TradeType TransactionType { get; init; }

    public StockOrderStatus Status { get; init; }

    public int Quantity { get; init; }

    /// <summary>Never decreases.</summary>
    public int FilledQuantity { get; init; }

    /// <summary>INR, from the snapshot that reported <see cref="FilledQuantity"/>. Never infer a fill from it.</summary>
    public decimal AveragePrice { get; init; }

    /// <summary>Open set (adapterError, checkHoldings, marginsExceeded, ...).</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Raw broker text, for support staff only; never show it to end users.</summary>
    public string? StatusMessage { get; init; }

    public string? ExchangeOrderId { get; init; }

    /// <summary>From the batch: <c>regular</c> or <c>amo</c>.</summary>
    public OrderVariety? Variety { get; init; }

    public OrderType? OrderType { get; init; }

    /// <summary>True when the current data came from the batch's <c>unplaced[]</c> list (the order never reached the broker).</summary>
    public bool IsUnplaced { get; init; }

    [JsonIgnore]
    public bool IsFinal => Status.IsFinal;

    /// <summary>AMO, limit and stop-loss orders only move while the exchange is open.</summary>
    [JsonIgnore]
    internal bool IsSessionBound => Variety == OrderVariety.Amo || OrderType?.RestsUntilClose == true;
}

/// <summary>Batch-level data. <see cref="Quantity"/> and <see cref="Filled"/> count orders, not shares.</summary>
public sealed record TrackedBatch
{
    public string? BatchId { get; init; }

    public BatchStatus Status { get; init; }

    public OrderVariety? Variety { get; init; }

    public int Quantity { get; init; }

    /// <summary>Never decreases.</summary>
    public int Filled { get; init; }

    /// <summary>INR, from the snapshot that reported <see cref="Filled"/>.</summary>
    public decimal BuyAmount { get; init; }

    /// <summary>INR, from the snapshot that reported <see cref="Filled"/>.</summary>
    public decimal SellAmount { get; init; }

    public DateTimeOffset? CompletedDate { get; init; }
}

/// <summary>A stock whose status or filled quantity changed in a merge (an <c>order.updated</c> event).</summary>
/// <param name="OldStatus">Null when the stock was seen for the first time.</param>
public sealed record StockChange(
    string? BatchId,
    string Ticker,
    TradeType TransactionType,
    StockOrderStatus? OldStatus,
    StockOrderStatus NewStatus,
    int OldFilledQuantity,
    int FilledQuantity,
    int Quantity);

/// <summary>
/// A snapshot that contradicted a stock's final data (another final status, or another filled quantity).
/// The stored data is kept; this is for support staff to look at.
/// </summary>
public sealed record StockConflict(
    string? BatchId,
    string Ticker,
    TradeType TransactionType,
    StockOrderStatus KeptStatus,
    int KeptFilledQuantity,
    StockOrderStatus IgnoredStatus,
    int IgnoredFilledQuantity);

/// <param name="StocksAccepted">How many stock orders (placed and unplaced) of the snapshot belonged to this transaction.</param>
public sealed record OrderMergeResult(
    TrackedOrders Orders,
    bool Changed,
    int StocksAccepted,
    IReadOnlyList<StockChange> StockChanges,
    IReadOnlyList<StockConflict> Conflicts);
