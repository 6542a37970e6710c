using Gateway.Client.Orders;
using Gateway.Simulator.Scenarios;

namespace Gateway.Simulator.Engine;

/// <summary>One stock order as the simulated broker holds it. Mutated only under the simulation's lock.</summary>
internal sealed class SimOrder(string ticker, TradeType type, int quantity, OrderType orderType, OrderOutcome outcome, decimal price)
{
    public string Ticker { get; } = ticker;

    public TradeType Type { get; } = type;

    public int Quantity { get; } = quantity;

    public OrderType OrderType { get; } = orderType;

    public OrderOutcome Outcome { get; } = outcome;

    /// <summary>The price a fill happens at.</summary>
    public decimal Price { get; } = price;

    public StockOrderStatus Status { get; set; } = StockOrderStatus.Placed;

    public int FilledQuantity { get; set; }

    public decimal AveragePrice { get; set; }

    public string? ExchangeOrderId { get; set; }

    public string? ErrorCode { get; set; }

    public string? StatusMessage { get; set; }

    public bool IsOpen => !Status.IsFinal;

    public void FillCompletely()
    {
        Status = StockOrderStatus.Complete;
        FilledQuantity = Quantity;
        AveragePrice = Price;
    }

    /// <summary>Part-fills the order, keeping at least one share open; false when nothing can be filled.</summary>
    public bool FillPartly(int requested)
    {
        var filled = Math.Clamp(requested, 0, Quantity - 1);
        if (filled == 0)
        {
            return false;
        }

        Status = StockOrderStatus.Partial;
        FilledQuantity = filled;
        AveragePrice = Price;
        return true;
    }

    public void Fail(StockOrderStatus status, string errorCode)
    {
        Status = status;
        ErrorCode = errorCode;
        StatusMessage = Outcome.StatusMessage ?? BrokerMessages.For(errorCode);
    }

    public void Cancel(string statusMessage)
    {
        Status = StockOrderStatus.Cancelled;
        StatusMessage = statusMessage;
    }

    /// <summary>The user cancelled the order through a <c>CANCEL_ORDER</c> transaction: <c>CANCELLED AMO</c> for an after-market order.</summary>
    public void CancelByUser(bool afterMarket)
    {
        Status = afterMarket ? StockOrderStatus.CancelledAmo : StockOrderStatus.Cancelled;
        StatusMessage = "Cancelled by the user";
        CancelledByUser = true;
    }

    public bool CancelledByUser { get; private set; }

    public StockOrder ToWire() => new()
    {
        Tradingsymbol = Ticker,
        TransactionType = Type,
        OrderType = OrderType,
        Product = "CNC",
        Exchange = "NSE",
        Status = Status,
        Quantity = Quantity,
        FilledQuantity = FilledQuantity,
        AveragePrice = AveragePrice,
        ExchangeOrderId = ExchangeOrderId,
        ErrorCode = ErrorCode,
        StatusMessage = StatusMessage,
    };
}

/// <summary>The batch one confirm places. Mutated only under the simulation's lock.</summary>
internal sealed class SimBatch(string batchId, string transactionId, OrderVariety variety)
{
    public string BatchId { get; } = batchId;

    public string TransactionId { get; } = transactionId;

    public OrderVariety Variety { get; } = variety;

    /// <summary>Orders that reached the broker.</summary>
    public List<SimOrder> Orders { get; } = [];

    /// <summary>Orders that never reached the broker (status ERROR).</summary>
    public List<SimOrder> Unplaced { get; } = [];

    public DateTimeOffset? CompletedDate { get; set; }

    public bool IsFinal => Orders.TrueForAll(order => !order.IsOpen);

    public SimOrder? FindOpen(string ticker) =>
        Orders.Find(order => order.IsOpen && string.Equals(order.Ticker, ticker, StringComparison.Ordinal));

    public OrderBatch ToWire() => new()
    {
        BatchId = BatchId,
        TransactionId = TransactionId,
        Variety = Variety,
        Quantity = Orders.Count + Unplaced.Count,
        Filled = Orders.Count(order => order.Status == StockOrderStatus.Complete),
        BuyAmount = AmountOf(TradeType.Buy),
        SellAmount = AmountOf(TradeType.Sell),
        CompletedDate = CompletedDate,
        Status = BatchRules.StatusOf(Orders.Select(o => (o.Status, o.FilledQuantity)).ToList(), Unplaced.Count, Orders.Count(o => o.CancelledByUser)),
        Orders = [.. Orders.Select(order => order.ToWire())],
        Unplaced = [.. Unplaced.Select(order => order.ToWire())],
    };

    private decimal AmountOf(TradeType side) =>
        decimal.Round(Orders.Where(o => o.Type == side).Sum(o => o.FilledQuantity * o.AveragePrice), 2, MidpointRounding.AwayFromZero);
}

/// <summary>How the batch status follows from its orders.</summary>
public static class BatchRules
{
    /// <summary>
    /// Open orders: <c>PLACED</c>, or <c>PARTIALLYPLACED</c> when some never reached the broker. All final:
    /// nothing placed → <c>UNPLACED</c>; everything placed and complete → <c>COMPLETED</c>; any shares filled →
    /// <c>PARTIALLYFILLED</c>; no fill and every placed order failed in the adapter → <c>ERROR</c>; no fill, every placed
    /// order cancelled and the user cancelled at least one → <c>CANCELLED</c>; else <c>UNFILLED</c>.
    /// </summary>
    public static BatchStatus StatusOf(IReadOnlyList<(StockOrderStatus Status, int FilledQuantity)> placed, int unplacedCount, int cancelledByUser = 0)
    {
        ArgumentNullException.ThrowIfNull(placed);
        if (placed.Any(order => !order.Status.IsFinal))
        {
            return unplacedCount > 0 ? BatchStatus.PartiallyPlaced : BatchStatus.Placed;
        }

        if (placed.Count == 0)
        {
            return BatchStatus.Unplaced;
        }

        if (unplacedCount == 0 && placed.All(order => order.Status == StockOrderStatus.Complete))
        {
            return BatchStatus.Completed;
        }

        if (placed.Any(order => order.FilledQuantity > 0))
        {
            return BatchStatus.PartiallyFilled;
        }

        if (cancelledByUser > 0 && placed.All(order => order.Status == StockOrderStatus.Cancelled || order.Status == StockOrderStatus.CancelledAmo))
        {
            return BatchStatus.Cancelled;
        }

        return placed.All(order => order.Status == StockOrderStatus.Error) ? BatchStatus.Error : BatchStatus.Unfilled;
    }
}
