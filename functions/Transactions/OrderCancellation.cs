using Gateway.Client.Http;
using Gateway.Client.Transactions;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp.Transactions;

/// <summary>What the app sends to cancel one open order of a transaction.</summary>
/// <param name="Ticker">The stock whose order to cancel.</param>
/// <param name="BatchId">
/// The order's batch, from the SDK's order response; needed only while the Gateway has not reported the orders
/// (an open after-market or limit order keeps the transaction PROCESSING). Not trusted: the Gateway checks that the
/// batch is the user's, and the transaction's tracking reads the outcome from the Gateway.
/// </param>
public sealed record CancelOrderCommand(string? Ticker, string? BatchId = null);

/// <summary>The cancellation transaction to open in the SDK, and the order it cancels.</summary>
public sealed record CreatedCancellation(CreatedTransactionResponse Transaction, string BatchId, string Ticker);

public abstract record CancellationResult
{
    public sealed record Created(CreatedCancellation Cancellation) : CancellationResult;

    public sealed record NotFound : CancellationResult;

    public sealed record Invalid(IReadOnlyList<ValidationError> Errors) : CancellationResult;

    /// <summary>The order cannot be cancelled (final, not placed, or a market order); <paramref name="Reason"/> says which.</summary>
    public sealed record NotCancellable(CancellabilityKind Reason) : CancellationResult;

    public sealed record Failed(CreationResult GatewayFailure) : CancellationResult;
}

/// <summary>
/// Creates the Gateway's <c>CANCEL_ORDER</c> transaction for one open order of a user's transaction. The user
/// confirms it in the SDK; the order's new status (<c>CANCELLED AMO</c> or <c>CANCELLED</c>) reaches the original
/// transaction's tracking like any change: the Gateway's webhook, or the SDK result the app posts for the original
/// transaction, makes it read the Gateway. Nothing is stored: a cancellation left unconfirmed expires unused, and
/// confirming a second one for the same order ends in the Gateway's <c>order_not_open</c>.
/// </summary>
public sealed class OrderCancellation(TransactionStore transactions, IGatewayClient gateway, GatewaySessions sessions, ILogger<OrderCancellation> logger)
{
    public async Task<CancellationResult> CancelAsync(string userId, string transactionId, CancelOrderCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var stored = GatewayTransactionId.IsValid(transactionId) ? await transactions.GetAsync(transactionId, cancellationToken) : null;
        if (stored is null || !string.Equals(stored.Record.UserId, userId, StringComparison.Ordinal))
        {
            return new CancellationResult.NotFound();
        }

        // The batch id, once chosen, is validated with the whole request by the Gateway client.
        if (TransactionRequestValidator.ValidateTicker(command.Ticker) is { Count: > 0 } errors)
        {
            return new CancellationResult.Invalid(errors);
        }

        var state = TrackerStateJson.Deserialize(stored.Record.StateJson);
        var ticker = command.Ticker!;
        if (!stored.Record.Securities.Any(s => string.Equals(s.Ticker, ticker, StringComparison.OrdinalIgnoreCase))
            && !state.Orders.Stocks.Any(s => string.Equals(s.Ticker, ticker, StringComparison.OrdinalIgnoreCase)))
        {
            return new CancellationResult.Invalid([new("ticker", $"{ticker} is not in this transaction.")]);
        }

        var check = Cancellability.Of(state, ticker);
        if (check.Kind != CancellabilityKind.Open)
        {
            return new CancellationResult.NotCancellable(check.Kind);
        }

        if (check.BatchId is not null && command.BatchId is not null && !string.Equals(check.BatchId, command.BatchId, StringComparison.Ordinal))
        {
            return new CancellationResult.Invalid([new("batchId", "The order is in another batch of this transaction.")]);
        }

        if ((check.BatchId ?? command.BatchId) is not { } batchId)
        {
            return new CancellationResult.Invalid([new("batchId", "The batch id from the SDK's order response is required until the Gateway reports the transaction's orders.")]);
        }

        var session = await sessions.ForUserAsync(userId, cancellationToken);
        var request = new CancelOrderRequest(batchId, check.Ticker ?? ticker, Notes: stored.Record.NotesRef);
        var created = await TransactionCreation.CallGatewayAsync(() => gateway.CreateCancellationAsync(request, session.GatewayToken, cancellationToken), logger);
        return created.Transaction is { } transaction
            ? new CancellationResult.Created(new CreatedCancellation(
                new CreatedTransactionResponse(transaction.TransactionId, session.GatewayToken, transaction.ExpireAt, session.Broker), batchId, request.Ticker))
            : new CancellationResult.Failed(created.Failure!);
    }
}
