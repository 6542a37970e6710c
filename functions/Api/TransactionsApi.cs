using FunctionApp.Hosting;
using FunctionApp.Transactions;
using Gateway.Client.Http;
using Gateway.Client.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp.Api;

/// <summary>The app-facing transaction functions: each signs in the platform user, binds and validates, calls the service, maps the result.</summary>
public sealed class TransactionsApi(
    HttpFunctionRunner http,
    TransactionCreation creation,
    TransactionStore transactions,
    SdkResultIntake sdkResults,
    OrderCancellation cancellations,
    GatewaySessions sessions)
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const int MaxBodyBytes = 64 * 1024;
    private const int DefaultPageSize = 20;

    [Function(nameof(CreateTransaction))]
    public Task<IResult> CreateTransaction(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "transactions")] HttpRequest request,
        [DurableClient] DurableTaskClient tracking) =>
        http.ForUserAsync(request, nameof(CreateTransaction), (userId, ct) => CreateAsync(request, userId, tracking, ct));

    [Function(nameof(ListTransactions))]
    public Task<IResult> ListTransactions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "transactions")] HttpRequest request) =>
        http.ForUserAsync(request, nameof(ListTransactions), (userId, ct) => ListAsync(request.Query, userId, ct));

    [Function(nameof(GetTransaction))]
    public Task<IResult> GetTransaction(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "transactions/{transactionId}")] HttpRequest request,
        string transactionId) =>
        http.ForUserAsync(request, nameof(GetTransaction), (userId, ct) => GetAsync(transactionId, userId, ct));

    [Function(nameof(PostSdkResult))]
    public Task<IResult> PostSdkResult(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "transactions/{transactionId}/sdk-result")] HttpRequest request,
        string transactionId,
        [DurableClient] DurableTaskClient tracking) =>
        http.ForUserAsync(request, nameof(PostSdkResult), (userId, ct) => PostSdkResultAsync(transactionId, request, userId, tracking, ct));

    [Function(nameof(CancelOrder))]
    public Task<IResult> CancelOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "transactions/{transactionId}/cancellations")] HttpRequest request,
        string transactionId) =>
        http.ForUserAsync(request, nameof(CancelOrder), (userId, ct) => CancelOrderAsync(transactionId, request, userId, ct));

    [Function(nameof(CreateSessionToken))]
    public Task<IResult> CreateSessionToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "session-token")] HttpRequest request) =>
        http.ForUserAsync(request, nameof(CreateSessionToken), (userId, ct) => CreateSessionTokenAsync(userId, ct));

    private async Task<IResult> CreateAsync(HttpRequest request, string userId, DurableTaskClient tracking, CancellationToken cancellationToken)
    {
        var key = request.Headers[IdempotencyHeader].ToString();
        if (!IdempotencyStore.IsValidKey(key))
        {
            return ApiProblems.Validation(IdempotencyHeader, $"An {IdempotencyHeader} header of 1-{IdempotencyStore.MaxKeyLength} characters (letters, digits, '_', '-', ':', '.') is required.");
        }

        var (status, bytes) = await JsonBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (status != JsonBody.ReadStatus.Ok)
        {
            return BodyProblem(status);
        }

        if (!JsonBody.TryParse<CreateTransactionCommand>(bytes, JsonBody.RequestOptions, out var command, out var error))
        {
            return ApiProblems.Validation("body", error!);
        }

        var result = await creation.CreateAsync(userId, key, command!, tracking, cancellationToken);
        return result switch
        {
            CreationResult.Created { Replayed: false } created => TypedResults.Created($"/api/transactions/{created.Response.TransactionId}", CreatedAnswer(created.Response)),
            CreationResult.Created created => TypedResults.Ok(CreatedAnswer(created.Response)),
            CreationResult.Concurrent => ApiProblems.Status(StatusCodes.Status409Conflict, "A request with this Idempotency-Key is still being processed.", "Retry after it finishes to get its result."),
            CreationResult.KeyReused => ApiProblems.Status(StatusCodes.Status422UnprocessableEntity, "This Idempotency-Key was used with a different request.", "Use a new key for a new transaction."),
            _ => GatewayFailureProblem(result, "Retry with the same Idempotency-Key."),
        };
    }

    /// <summary>Why the Gateway created no transaction, as Problem Details.</summary>
    private static IResult GatewayFailureProblem(CreationResult result, string retryAdvice) => result switch
    {
        CreationResult.Invalid invalid => ApiProblems.Validation(invalid.Errors),
        CreationResult.Refused refused => ApiProblems.Status(
            StatusCodes.Status422UnprocessableEntity,
            "The Gateway refused the transaction.",
            string.Join("; ", refused.Errors),
            new Dictionary<string, object?> { ["errorType"] = refused.ErrorType }),
        CreationResult.GatewayUnavailable unavailable => ApiProblems.Status(
            unavailable.Kind == GatewayFailureKind.Timeout ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
            "The smallcase Gateway could not create the transaction.",
            retryAdvice),
        _ => throw new InvalidOperationException($"Unhandled creation result {result.GetType().Name}."),
    };

    private async Task<IResult> CancelOrderAsync(string transactionId, HttpRequest request, string userId, CancellationToken cancellationToken)
    {
        var (status, bytes) = await JsonBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (status != JsonBody.ReadStatus.Ok)
        {
            return BodyProblem(status);
        }

        if (!JsonBody.TryParse<CancelOrderCommand>(bytes, JsonBody.RequestOptions, out var command, out var error))
        {
            return ApiProblems.Validation("body", error!);
        }

        var result = await cancellations.CancelAsync(userId, transactionId, command!, cancellationToken);
        return result switch
        {
            CancellationResult.Created created => TypedResults.Created($"/api/transactions/{transactionId}", new
            {
                created.Cancellation.Transaction.TransactionId,
                created.Cancellation.Transaction.GatewayToken,
                created.Cancellation.Transaction.ExpireAt,
                created.Cancellation.Transaction.Broker,
                sdk = sessions.Sdk,
                cancels = new { transactionId, created.Cancellation.BatchId, created.Cancellation.Ticker },
                sdkResultUrl = $"/api/transactions/{transactionId}/sdk-result",
            }),
            CancellationResult.NotFound => ApiProblems.NotFound("The transaction"),
            CancellationResult.Invalid invalid => ApiProblems.Validation(invalid.Errors),
            CancellationResult.NotCancellable refused => ApiProblems.Status(StatusCodes.Status409Conflict, "The order cannot be cancelled.", refused.Reason switch
            {
                CancellabilityKind.Final => "The order is final already (filled, rejected or cancelled).",
                CancellabilityKind.NotPlaced => "No order is placed yet: the user has not confirmed the transaction.",
                _ => "Only after-market, limit and stop-loss orders can be cancelled; a market order fills or the exchange cancels it.",
            }),
            CancellationResult.Failed failed => GatewayFailureProblem(failed.GatewayFailure, "Retry: a cancellation left unconfirmed expires unused."),
            _ => throw new InvalidOperationException($"Unhandled cancellation result {result.GetType().Name}."),
        };
    }

    private async Task<IResult> GetAsync(string transactionId, string userId, CancellationToken cancellationToken)
    {
        // An id the Gateway could never have issued is not looked up (nor can it break a table key).
        var stored = GatewayTransactionId.IsValid(transactionId) ? await transactions.GetAsync(transactionId, cancellationToken) : null;
        if (stored is null || !string.Equals(stored.Record.UserId, userId, StringComparison.Ordinal))
        {
            // Someone else's transaction is indistinguishable from a missing one.
            return ApiProblems.NotFound("The transaction");
        }

        return TypedResults.Ok(TransactionView.From(stored.Record, TrackerStateJson.Deserialize(stored.Record.StateJson)));
    }

    private async Task<IResult> ListAsync(IQueryCollection query, string userId, CancellationToken cancellationToken)
    {
        var errors = new List<Gateway.Client.Transactions.ValidationError>();
        var status = Query.Single(query, "status");
        var cursor = Query.Single(query, "cursor");
        var limit = Query.Single(query, "limit");
        // Names only: Enum.TryParse would also take "1" or "AwaitingUser,Completed", which match no stored status.
        if (status is not null && !Enum.GetNames<TrackerPhase>().Contains(status, StringComparer.Ordinal))
        {
            errors.Add(new("status", $"Status must be one of {string.Join(", ", Enum.GetNames<TrackerPhase>())}."));
        }

        TransactionCursor? after = null;
        if (cursor is not null && !TransactionCursor.TryParse(cursor, out after))
        {
            errors.Add(new("cursor", "The cursor is not one this API returned."));
        }

        var pageSize = DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out pageSize)
            || pageSize < 1 || pageSize > TransactionStore.MaxPageSize))
        {
            errors.Add(new("limit", $"Limit must be between 1 and {TransactionStore.MaxPageSize}."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var page = await transactions.ListForUserAsync(userId, status, after, pageSize, cancellationToken);
        return TypedResults.Ok(new { items = page.Items, nextCursor = page.Next?.ToString() });
    }

    private async Task<IResult> PostSdkResultAsync(
        string transactionId, HttpRequest request, string userId, DurableTaskClient tracking, CancellationToken cancellationToken)
    {
        var (status, bytes) = await JsonBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (status != JsonBody.ReadStatus.Ok)
        {
            return BodyProblem(status);
        }

        if (!SdkResultRequest.TryParse(bytes, out var result, out var error))
        {
            return ApiProblems.Validation("body", error!);
        }

        var receipt = await sdkResults.RecordAsync(userId, transactionId, result!, tracking, cancellationToken);
        return receipt.Outcome switch
        {
            SdkResultOutcome.Recorded => TypedResults.Accepted($"/api/transactions/{transactionId}", new { transactionId, recorded = true }),
            SdkResultOutcome.NotFound => ApiProblems.NotFound("The transaction"),
            SdkResultOutcome.TransactionMismatch => ApiProblems.Validation("transactionId", "The SDK result names another transaction."),
            SdkResultOutcome.Empty => ApiProblems.Validation("body", "The SDK result has no smallcaseAuthToken, orders or error."),
            SdkResultOutcome.TokenRejected => ApiProblems.Validation("smallcaseAuthToken", $"The smallcaseAuthToken failed verification ({receipt.TokenFailure})."),
            SdkResultOutcome.AuthIdOwnedByAnotherUser => ApiProblems.Status(StatusCodes.Status409Conflict, "This broker account is linked to another user."),
            _ => throw new InvalidOperationException($"Unhandled SDK result outcome {receipt.Outcome}."),
        };
    }

    /// <summary>The created transaction with what the app initialises the SDK with (not stored: a replay answers the current settings).</summary>
    private object CreatedAnswer(CreatedTransactionResponse response) =>
        new { response.TransactionId, response.GatewayToken, response.ExpireAt, response.Broker, sdk = sessions.Sdk };

    private async Task<IResult> CreateSessionTokenAsync(string userId, CancellationToken cancellationToken)
    {
        var session = await sessions.ForUserAsync(userId, cancellationToken);
        return TypedResults.Ok(new { gatewayToken = session.GatewayToken, connected = session.Connected, broker = session.Broker, expiresAt = session.ExpiresAt, sdk = sessions.Sdk });
    }

    public static IResult BodyProblem(JsonBody.ReadStatus status) => status switch
    {
        JsonBody.ReadStatus.TooLarge => ApiProblems.Status(StatusCodes.Status413PayloadTooLarge, "The request body is too large."),
        JsonBody.ReadStatus.UnsupportedMediaType => ApiProblems.Status(
            StatusCodes.Status415UnsupportedMediaType,
            "The request body must be JSON.",
            "Send Content-Type: application/json (UTF-8)."),
        _ => ApiProblems.Validation("body", "A JSON body is required."),
    };
}
