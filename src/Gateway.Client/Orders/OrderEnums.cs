using System.Text.Json.Serialization;
using Gateway.Client.Json;

namespace Gateway.Client.Orders;

/// <summary>Status of one stock order. Trust this over the batch status. Note the spelling <c>COMPLETE</c>.</summary>
[JsonConverter(typeof(OpenEnumerationConverter<StockOrderStatus>))]
public readonly record struct StockOrderStatus(string Value) : IOpenEnumeration<StockOrderStatus>
{
    public static readonly StockOrderStatus Placed = new("PLACED");
    public static readonly StockOrderStatus Acked = new("ACKED");
    public static readonly StockOrderStatus Partial = new("PARTIAL");
    public static readonly StockOrderStatus Complete = new("COMPLETE");
    public static readonly StockOrderStatus Rejected = new("REJECTED");
    public static readonly StockOrderStatus Cancelled = new("CANCELLED");
    public static readonly StockOrderStatus CancelledAmo = new("CANCELLED AMO");
    public static readonly StockOrderStatus Error = new("ERROR");

    public static IReadOnlyList<StockOrderStatus> Known { get; } =
        [Placed, Acked, Partial, Complete, Rejected, Cancelled, CancelledAmo, Error];

    private static readonly StockOrderStatus[] FinalValues = [Complete, Rejected, Cancelled, CancelledAmo, Error];

    /// <summary>True for the documented final values only; an unknown value is never final.</summary>
    public bool IsFinal => FinalValues.Contains(this);

    public static StockOrderStatus From(string value) => new(value);

    public override string ToString() => Value;
}

/// <summary>Status of an order batch. Note the spelling <c>COMPLETED</c> (stock level is <c>COMPLETE</c>).</summary>
[JsonConverter(typeof(OpenEnumerationConverter<BatchStatus>))]
public readonly record struct BatchStatus(string Value) : IOpenEnumeration<BatchStatus>
{
    public static readonly BatchStatus Placed = new("PLACED");
    public static readonly BatchStatus Acked = new("ACKED");
    public static readonly BatchStatus PartiallyPlaced = new("PARTIALLYPLACED");
    public static readonly BatchStatus Completed = new("COMPLETED");
    public static readonly BatchStatus PartiallyFilled = new("PARTIALLYFILLED");
    public static readonly BatchStatus Unfilled = new("UNFILLED");
    public static readonly BatchStatus Unplaced = new("UNPLACED");
    public static readonly BatchStatus Cancelled = new("CANCELLED");
    public static readonly BatchStatus MarkedComplete = new("MARKEDCOMPLETE");
    public static readonly BatchStatus Fixed = new("FIXED");
    public static readonly BatchStatus Error = new("ERROR");

    public static IReadOnlyList<BatchStatus> Known { get; } =
        [Placed, Acked, PartiallyPlaced, Completed, PartiallyFilled, Unfilled, Unplaced, Cancelled, MarkedComplete, Fixed, Error];

    private static readonly BatchStatus[] FinalValues =
        [Completed, PartiallyFilled, Unfilled, Unplaced, Cancelled, MarkedComplete, Fixed, Error];

    /// <summary>
    /// True for the documented final values. <c>ERROR</c> is final but may later be corrected by smallcase
    /// to <c>FIXED</c> or <c>MARKEDCOMPLETE</c>.
    /// </summary>
    public bool IsFinal => FinalValues.Contains(this);

    public static BatchStatus From(string value) => new(value);

    public override string ToString() => Value;
}

[JsonConverter(typeof(OpenEnumerationConverter<TradeType>))]
public readonly record struct TradeType(string Value) : IOpenEnumeration<TradeType>
{
    public static readonly TradeType Buy = new("BUY");
    public static readonly TradeType Sell = new("SELL");

    public static IReadOnlyList<TradeType> Known { get; } = [Buy, Sell];

    public static TradeType From(string value) => new(value);

    public override string ToString() => Value;
}

[JsonConverter(typeof(OpenEnumerationConverter<OrderVariety>))]
public readonly record struct OrderVariety(string Value) : IOpenEnumeration<OrderVariety>
{
    public static readonly OrderVariety Regular = new("regular");
    public static readonly OrderVariety Amo = new("amo");

    public static IReadOnlyList<OrderVariety> Known { get; } = [Regular, Amo];

    public static OrderVariety From(string value) => new(value);

    public override string ToString() => Value;
}

[JsonConverter(typeof(OpenEnumerationConverter<OrderType>))]
public readonly record struct OrderType(string Value) : IOpenEnumeration<OrderType>
{
    public static readonly OrderType Market = new("MARKET");
    public static readonly OrderType Limit = new("LIMIT");

    /// <summary>Stop-loss: a limit order that waits for its trigger price.</summary>
    public static readonly OrderType StopLoss = new("SL");

    /// <summary>Stop-loss market: a market order that waits for its trigger price.</summary>
    public static readonly OrderType StopLossMarket = new("SL-M");

    public static IReadOnlyList<OrderType> Known { get; } = [Market, Limit, StopLoss, StopLossMarket];

    /// <summary>
    /// LIMIT, SL and SL-M orders wait on the exchange's book for their price or trigger and may stay open until the
    /// session's close, where the exchange cancels what is left.
    /// </summary>
    public bool RestsUntilClose => this == Limit || this == StopLoss || this == StopLossMarket;

    public static OrderType From(string value) => new(value);

    public override string ToString() => Value;
}
