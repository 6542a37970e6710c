using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp.Transactions;

/// <summary>
/// A transaction as the platform's apps see it: the tracker's state, each stock's status, a timeline, and what the
/// tracker waits for next. The broker's raw <c>statusMessage</c> is for support staff and is left out.
/// </summary>
public sealed record TransactionView(
    string TransactionId,
    string Status,
    bool Final,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpireAt,
    DateTimeOffset UpdatedAt,
    string? Broker,
    string? GatewayStatus,
    TransactionError? Error,
    IReadOnlyList<SecurityOrder> Requested,
    IReadOnlyList<BatchView> Batches,
    IReadOnlyList<TimelineEntry> Timeline,
    NextStepView? Next)
{
    public static TransactionView From(TransactionRecord record, TrackedTransaction state)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(state);
        var stocksByBatch = state.Orders.Stocks.ToLookup(s => s.BatchId);
        var batches = state.Orders.Batches
            .Select(b => BatchView.From(b, stocksByBatch[b.BatchId]))
            .ToList();
        var orphans = state.Orders.Stocks.Where(s => state.Orders.Batches.All(b => b.BatchId != s.BatchId)).ToList();
        if (orphans.Count > 0)
        {
            batches.Add(new BatchView(null, null, null, 0, 0, 0m, 0m, null, orphans.Select(OrderView.From).ToList()));
        }

        return new TransactionView(
            record.TransactionId,
            state.Phase.ToString(),
            state.Phase.IsTerminal(),
            record.CreatedAt,
            record.ExpireAt,
            record.UpdatedAt,
            state.Broker,
            state.GatewayStatus?.Value,
            state.GatewayError,
            record.Securities,
            batches,
            state.Timeline,
            state.NextWakeAt is { } at ? new NextStepView(state.WaitingFor?.ToString(), at) : null);
    }
}

public sealed record BatchView(
    string? BatchId,
    string? Status,
    string? Variety,
    int Quantity,
    int Filled,
    decimal BuyAmount,
    decimal SellAmount,
    DateTimeOffset? CompletedDate,
    IReadOnlyList<OrderView> Orders)
{
    public static BatchView From(TrackedBatch batch, IEnumerable<TrackedStock> stocks)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new BatchView(batch.BatchId, batch.Status.Value, batch.Variety?.Value, batch.Quantity, batch.Filled, batch.BuyAmount, batch.SellAmount, batch.CompletedDate, stocks.Select(OrderView.From).ToList());
    }
}

public sealed record OrderView(
    string Ticker,
    string TransactionType,
    string Status,
    bool Final,
    int Quantity,
    int FilledQuantity,
    decimal AveragePrice,
    string? OrderType,
    string? Variety,
    string? ErrorCode,
    bool Unplaced)
{
    public static OrderView From(TrackedStock stock)
    {
        ArgumentNullException.ThrowIfNull(stock);
        return new OrderView(stock.Ticker, stock.TransactionType.Value, stock.Status.Value, stock.IsFinal, stock.Quantity, stock.FilledQuantity, stock.AveragePrice, stock.OrderType?.Value, stock.Variety?.Value, stock.ErrorCode, stock.IsUnplaced);
    }
}

/// <summary>When the tracker will look again, and at what.</summary>
public sealed record NextStepView(string? WaitingFor, DateTimeOffset At);
