using System.Text.Json.Serialization;
using Gateway.Client.Json;

namespace Gateway.Client.Orders;

/// <summary>
/// The order response shared by the SDK result, the webhook body and the order-details API.
/// </summary>
public record OrderResponse
{
    public string? TransactionId { get; init; }

    /// <summary>JWT carrying the smallcaseAuthId; verify it before trusting anything in it.</summary>
    public string? SmallcaseAuthToken { get; init; }

    public string? Broker { get; init; }

    public string? Notes { get; init; }

    /// <summary>Never null: an explicit <c>null</c> on the wire reads as empty.</summary>
    public IReadOnlyList<OrderBatch> OrderBatches { get; init => field = value ?? []; } = [];
}

public sealed record OrderBatch
{
    public string? BatchId { get; init; }

    public string? TransactionId { get; init; }

    public OrderVariety? Variety { get; init; }

    /// <summary>Number of orders in the batch (not shares).</summary>
    public int Quantity { get; init; }

    /// <summary>Number of filled orders in the batch (not shares).</summary>
    public int Filled { get; init; }

    /// <summary>INR.</summary>
    public decimal BuyAmount { get; init; }

    /// <summary>INR.</summary>
    public decimal SellAmount { get; init; }

    public DateTimeOffset? CompletedDate { get; init; }

    public BatchStatus Status { get; init; }

    /// <summary>Never null: an explicit <c>null</c> on the wire reads as empty.</summary>
    public IReadOnlyList<StockOrder> Orders { get; init => field = value ?? []; } = [];

    /// <summary>Orders that never reached the broker; their status is always <c>ERROR</c>. Never null.</summary>
    public IReadOnlyList<StockOrder> Unplaced { get; init => field = value ?? []; } = [];
}

public sealed record StockOrder
{
    public string Tradingsymbol { get; init; } = string.Empty;

    public TradeType TransactionType { get; init; }

    public OrderType? OrderType { get; init; }

    public string? Product { get; init; }

    public string? Exchange { get; init; }

    public StockOrderStatus Status { get; init; }

    public int Quantity { get; init; }

    public int FilledQuantity { get; init; }

    /// <summary>INR. May be non-zero for an unfilled order: never infer a fill from it.</summary>
    public decimal AveragePrice { get; init; }

    /// <summary>Missing when the order never reached the exchange; a number or a string on the wire.</summary>
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? ExchangeOrderId { get; init; }

    /// <summary>The numeric variant one official sample uses instead of <see cref="ExchangeOrderId"/>.</summary>
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? ExchangeId { get; init; }

    /// <summary>Open set: adapterError, checkHoldings, marginsExceeded, orderUnmatched, circuit-limit codes, ...</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Raw broker text, for support staff only; never show it to end users.</summary>
    public string? StatusMessage { get; init; }

    [JsonIgnore]
    public string? ExchangeOrderReference => ExchangeOrderId ?? ExchangeId;
}
