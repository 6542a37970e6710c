namespace Transactions.Tracking;

public enum CancellabilityKind
{
    /// <summary>The order may be open: the Gateway decides (it refuses an order that filled meanwhile).</summary>
    Open,

    /// <summary>The user has not confirmed the transaction, so no order is placed yet.</summary>
    NotPlaced,

    /// <summary>The transaction, or every order of the ticker, is final.</summary>
    Final,

    /// <summary>The open order is a regular market order: it fills, or the exchange cancels it; smallcase cancels only AMO, limit and stop-loss orders.</summary>
    MarketOrder,
}

/// <param name="BatchId">The batch of the open order when the Gateway's order details named it; null while it has not.</param>
public sealed record Cancellability(CancellabilityKind Kind, string? BatchId = null, string? Ticker = null)
{
    /// <summary>
    /// Whether the order of <paramref name="ticker"/> may still be cancelled, from what the tracker has read from the
    /// Gateway. The order details come only once a transaction is COMPLETED, and an after-market or limit order keeps
    /// it PROCESSING while open, so for an open order the tracker usually knows no stocks: it then answers
    /// <see cref="CancellabilityKind.Open"/> without a batch id.
    /// </summary>
    public static Cancellability Of(TrackedTransaction state, string ticker)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Phase.IsTerminal())
        {
            return new(CancellabilityKind.Final);
        }

        var stocks = state.Orders.Stocks.Where(stock => string.Equals(stock.Ticker, ticker, StringComparison.OrdinalIgnoreCase)).ToList();
        if (stocks.Count == 0)
        {
            return new(state.Phase == TrackerPhase.AwaitingUser ? CancellabilityKind.NotPlaced : CancellabilityKind.Open);
        }

        if (stocks.Find(stock => !stock.IsFinal) is not { } open)
        {
            return new(CancellabilityKind.Final);
        }

        return open.IsSessionBound || (open.Variety is null && open.OrderType is null)
            ? new(CancellabilityKind.Open, open.BatchId, open.Ticker)
            : new(CancellabilityKind.MarketOrder);
    }
}
