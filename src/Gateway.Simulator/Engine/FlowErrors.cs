using Gateway.Client.Transactions;

namespace Gateway.Simulator.Engine;

/// <summary>
/// The SDK errors that end a flow, as the transaction-details API reports them in <c>transactionDetails.error</c>.
/// [assume] <c>code</c> carries the SDK error name (stable, readable); the numeric SDK code, where one is known,
/// is in the message.
/// </summary>
public static class FlowErrors
{
    public static TransactionError UserCancelled { get; } = new("user_cancelled", "The user cancelled the transaction.");

    public static TransactionError TransactionExpired { get; } =
        new("transaction_expired", "The transaction expired before the user finished (1005).");

    /// <summary>Refreshing the order window expires the transaction (smallcase's docs).</summary>
    public static TransactionError OrderWindowRefreshed { get; } =
        new("transaction_expired", "The order window was refreshed, which expires the transaction (1005).");

    /// <summary>The order a <c>CANCEL_ORDER</c> transaction was to cancel is no longer open (it filled or was cancelled meanwhile) [assume].</summary>
    public static TransactionError OrderNotOpen { get; } =
        new("order_not_open", "The order to cancel is no longer open.");

    public static TransactionError UserMismatch { get; } =
        new("user_mismatch", "The broker account that logged in belongs to another user (1001).");

    public static TransactionError MarketClosed { get; } =
        new("market_closed", "The market is closed and the broker does not take after-market orders.");
}

/// <summary>Typical raw broker texts for the <c>statusMessage</c> of a failed order.</summary>
internal static class BrokerMessages
{
    public static string For(string errorCode) => errorCode switch
    {
        "checkHoldings" => "RMS:Rule: Check holdings; insufficient holdings for the sell order",
        "marginsExceeded" => "RMS:Margin Exceeds, Required margin is more than the available margin",
        "orderUnmatched" => "Order could not be matched at the exchange",
        "circuitLimitExceeded" => "Order price is outside the circuit limit of the security",
        "tradingSystemNotReady" => "The trading system is not ready to accept orders",
        "adapterError" => "The broker could not process the order",
        _ => $"Order failed at the broker ({errorCode})",
    };
}
