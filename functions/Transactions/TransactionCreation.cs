using Microsoft.DurableTask.Client;
using System.Text.Json;
using Gateway.Client.Http;
using Gateway.Client.Transactions;
using FunctionApp.Telemetry;
using FunctionApp.Tracking;
using FunctionApp.Webhooks;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp.Transactions;

/// <summary>What the app sends to create a transaction: one security, or a basket mixing BUY and SELL.</summary>
/// <param name="Basket">An optional name and logo the SDK shows for the basket.</param>
public sealed record CreateTransactionCommand(IReadOnlyList<SecurityOrder>? Securities, BasketBranding? Basket = null);

/// <summary>What the app gets back. The token is minted per response and never stored.</summary>
public sealed record CreatedTransactionResponse(string TransactionId, string GatewayToken, DateTimeOffset ExpireAt, string? Broker);

public abstract record CreationResult
{
    public sealed record Created(CreatedTransactionResponse Response, bool Replayed) : CreationResult;

    public sealed record Invalid(IReadOnlyList<ValidationError> Errors) : CreationResult;

    /// <summary>The same idempotency key is being processed right now.</summary>
    public sealed record Concurrent : CreationResult;

    /// <summary>The idempotency key was used with a different request.</summary>
    public sealed record KeyReused : CreationResult;

    /// <summary>The Gateway refused the transaction (its validation or business rules).</summary>
    public sealed record Refused(string? ErrorType, IReadOnlyList<string> Errors) : CreationResult;

    /// <summary>The Gateway could not be reached or answered with an error; the app may retry with the same key.</summary>
    public sealed record GatewayUnavailable(GatewayFailureKind Kind) : CreationResult;
}

/// <summary>
/// Creates a Gateway transaction for a user, exactly once per idempotency key: creates it with a fresh opaque notes
/// reference, records what the reference stands for, stores the transaction and starts its tracker.
/// </summary>
public sealed partial class TransactionCreation(
    IdempotencyStore idempotency,
    NotesRefStore notesRefs,
    TransactionStore transactions,
    IGatewayClient gateway,
    GatewaySessions sessions,
    TrackerEngine engine,
    TransactionTracking tracking,
    KnownTransactions known,
    TimeProvider clock,
    ILogger<TransactionCreation> logger)
{
    /// <summary>
    /// How long releasing the idempotency lease after a failure may take. The request has failed already (possibly
    /// past its deadline, with storage not answering); if storage is slow the lease expires on its own instead.
    /// </summary>
    public static readonly TimeSpan AbandonTimeout = TimeSpan.FromSeconds(2);

    private sealed record StoredResponse(string TransactionId, DateTimeOffset ExpireAt);

    public async Task<CreationResult> CreateAsync(string userId, string idempotencyKey, CreateTransactionCommand command, DurableTaskClient trackingClient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var request = new CreateTransactionRequest(command.Securities ?? [], Basket: command.Basket);
        var errors = TransactionRequestValidator.Validate(request);
        if (errors.Count > 0)
        {
            return new CreationResult.Invalid(errors);
        }

        var requestHash = IdempotencyStore.HashRequest(JsonSerializer.SerializeToUtf8Bytes(request.Securities, GatewayJsonOptions));
        var begin = await idempotency.TryBeginAsync(userId, idempotencyKey, requestHash, cancellationToken);
        switch (begin.Outcome)
        {
            case IdempotencyOutcome.InProgress:
                return new CreationResult.Concurrent();
            case IdempotencyOutcome.HashMismatch:
                return new CreationResult.KeyReused();
            case IdempotencyOutcome.Completed:
                var stored = JsonSerializer.Deserialize<StoredResponse>(begin.Response!.Body, GatewayJsonOptions)!;
                var session = await sessions.ForUserAsync(userId, cancellationToken);
                return new CreationResult.Created(new CreatedTransactionResponse(stored.TransactionId, session.GatewayToken, stored.ExpireAt, session.Broker), Replayed: true);
        }

        try
        {
            var result = await CreateOnceAsync(userId, idempotencyKey, request, trackingClient, cancellationToken);
            if (result is CreationResult.Created created)
            {
                var body = JsonSerializer.Serialize(new StoredResponse(created.Response.TransactionId, created.Response.ExpireAt), GatewayJsonOptions);
                await idempotency.CompleteAsync(userId, idempotencyKey, StatusCodes.Status201Created, body, begin.ETag, cancellationToken);
            }
            else
            {
                await idempotency.AbandonAsync(userId, idempotencyKey, begin.ETag, cancellationToken);
            }

            return result;
        }
        catch
        {
            // Let the app retry with the same key; if storage is down this fails too and the lease expires instead.
            await TryAbandonAsync(userId, idempotencyKey, begin.ETag);
            throw;
        }
    }

    private async Task<CreationResult> CreateOnceAsync(
        string userId, string idempotencyKey, CreateTransactionRequest request, DurableTaskClient trackingClient, CancellationToken cancellationToken)
    {
        using var span = TransactionTrace.Start("transaction.create", traceParent: null);
        var session = await sessions.ForUserAsync(userId, cancellationToken);
        var notesRef = NotesRefStore.NewReference();
        var call = await CallGatewayAsync(() => gateway.CreateTransactionAsync(request with { Notes = notesRef }, session.GatewayToken, cancellationToken), logger);
        if (call.Transaction is not { } created)
        {
            return call.Failure!;
        }

        // Recorded before the transaction row, so every transaction that is tracked has its notes mapping.
        if (await notesRefs.RecordAsync(notesRef, userId, created.TransactionId, cancellationToken) == NotesRefOutcome.TakenByAnother)
        {
            // Only a broken random source gets here. The transaction is not stored (its webhooks are refused as
            // unknown and it expires unused); the failure lets the app retry with the same key and a new reference.
            Log.NotesRefTaken(logger, created.TransactionId);
            throw new InvalidOperationException("The new notes reference is already taken.");
        }

        var start = engine.Start(created.TransactionId, created.ExpireAt);
        var now = clock.GetUtcNow();
        var record = new TransactionRecord
        {
            TransactionId = created.TransactionId,
            UserId = userId,
            NotesRef = notesRef,
            CreatedAt = now,
            ExpireAt = created.ExpireAt,
            Securities = request.Securities,
            Status = start.State.Phase.ToString(),
            StateJson = TrackerStateJson.Serialize(start.State),
            NextWakeAt = start.State.NextWakeAt,
            Version = start.State.Version,
            UpdatedAt = now,
            TraceParent = TransactionTrace.Current,
            IdempotencyKey = idempotencyKey,
        };
        if (!(await transactions.InsertAsync(record, cancellationToken)).Written)
        {
            // The Gateway's id is new, so the row is this request's own insert: stored, its response lost, and the
            // retry of it refused as a duplicate before the user's index row was written.
            await TryRepairIndexAsync(record, cancellationToken);
        }

        await tracking.StartAsync(trackingClient, start.State, record.TraceParent, cancellationToken);
        known.Remember(created.TransactionId, new TransactionIdentity(userId, notesRef, record.TraceParent));
        Log.TransactionCreated(logger, created.TransactionId, request.Securities.Count);
        return new CreationResult.Created(new CreatedTransactionResponse(created.TransactionId, session.GatewayToken, created.ExpireAt, session.Broker), Replayed: false);
    }

    /// <summary>
    /// Posts a transaction of any intent to the Gateway: the created transaction, or why there is none (the request
    /// was invalid, the Gateway refused it, or it could not be reached and the app may retry).
    /// </summary>
    internal static async Task<(CreatedTransaction? Transaction, CreationResult? Failure)> CallGatewayAsync(Func<Task<CreatedTransaction>> create, ILogger logger)
    {
        try
        {
            return (await create(), null);
        }
        catch (GatewayValidationException ex)
        {
            return (null, new CreationResult.Invalid(ex.Errors));
        }
        catch (GatewayApiException ex) when (ex.Kind == GatewayFailureKind.Rejected)
        {
            return (null, new CreationResult.Refused(ex.ErrorType, ex.Errors));
        }
        catch (GatewayApiException ex)
        {
            Log.GatewayCreateFailed(logger, ex.Kind, (int?)ex.StatusCode);
            return (null, new CreationResult.GatewayUnavailable(ex.Kind));
        }
    }

    private async Task TryRepairIndexAsync(TransactionRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await transactions.SyncIndexAsync(record, cancellationToken);
        }
        catch (Azure.RequestFailedException ex)
        {
            // The transaction is stored and tracked; its index row catches up at its next status change.
            Log.IndexRepairFailed(logger, record.TransactionId, ex.Status);
        }
    }

    private async Task TryAbandonAsync(string userId, string idempotencyKey, Azure.ETag etag)
    {
        using var timeout = new CancellationTokenSource(AbandonTimeout, clock);
        try
        {
            await idempotency.AbandonAsync(userId, idempotencyKey, etag, timeout.Token);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException || StorageFailures.IsTransient(ex))
        {
            // The lease expires on its own.
        }
    }

    private static JsonSerializerOptions GatewayJsonOptions => Gateway.Client.Json.GatewayJson.Options;
}
