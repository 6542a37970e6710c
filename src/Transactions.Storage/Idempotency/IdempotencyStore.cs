using System.Buffers;
using Azure;
using Azure.Data.Tables;

namespace Transactions.Storage;

public enum IdempotencyOutcome
{
    /// <summary>This caller owns the key now: do the work, then <c>CompleteAsync</c> or <c>AbandonAsync</c> with the ETag.</summary>
    Started,

    /// <summary>Another request with the same key is being processed (a concurrent duplicate): answer 409.</summary>
    InProgress,

    /// <summary>The key was used before with the same request: replay <see cref="IdempotencyBeginResult.Response"/>.</summary>
    Completed,

    /// <summary>The key was used before with a different request body: answer 422.</summary>
    HashMismatch,
}

/// <summary>The stored answer to replay for a completed key.</summary>
public sealed record IdempotentResponse(int StatusCode, string Body);

/// <param name="ETag">For <see cref="IdempotencyOutcome.Started"/>: the record's ETag, proof of ownership.</param>
/// <param name="Response">For <see cref="IdempotencyOutcome.Completed"/>: the response to replay.</param>
public sealed record IdempotencyBeginResult(IdempotencyOutcome Outcome, ETag ETag = default, IdempotentResponse? Response = null);

public enum IdempotencyFinishOutcome
{
    Done,

    /// <summary>The record changed since <c>TryBeginAsync</c> (the lease was taken over, or it was deleted): nothing written.</summary>
    LeaseLost,
}

/// <summary>
/// Table <c>IdempotencyRecords</c> (PK = user id, RK = the client's idempotency key): makes "create transaction"
/// safe to retry. <see cref="TryBeginAsync"/> inserts an in-progress record atomically, so of two concurrent requests
/// with one key exactly one starts.
/// </summary>
/// <remarks>
/// <para>
/// Each call of <see cref="TryBeginAsync"/> writes its own random attempt id into the record, so when the response to
/// its insert is lost and Azure.Core's retry of that insert answers 409, the call recognises the record as its own
/// and starts, instead of reporting its own request as a concurrent duplicate.
/// </para>
/// <para>
/// An in-progress record older than the lease (default 2 minutes, far beyond any create request's timeouts) is
/// presumed abandoned by a crashed process and is taken over by the next attempt. The original holder, if it is
/// somehow still running, then gets <see cref="IdempotencyFinishOutcome.LeaseLost"/> from its own complete or abandon,
/// because the record's ETag changed. A completed record answers for <see cref="Expiry"/>; after that the key starts a
/// new request. Records of transactions past their retention are deleted with them (<see cref="DeleteCompletedAsync"/>).
/// </para>
/// </remarks>
public sealed class IdempotencyStore(StorageClients clients, TimeProvider time)
{
    public const int MaxKeyLength = 100;
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(2);

    /// <summary>How long a key answers with its first result; later it starts a new request, as Stripe's keys do after 24 hours.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromHours(24);

    private const string InProgressState = "InProgress";
    private const string CompletedState = "Completed";
    private static readonly SearchValues<char> KeyChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-:.");

    private readonly TableClient _table = clients.Table(TableNames.IdempotencyRecords);

    public TimeSpan Lease { get; init; } = DefaultLease;

    /// <summary>1–100 characters of <c>[A-Za-z0-9_\-:.]</c>. Check client input with it (false means HTTP 400).</summary>
    public static bool IsValidKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && !key.AsSpan().ContainsAnyExcept(KeyChars);

    /// <summary>Lower-case hex SHA-256 of the request body, for <see cref="TryBeginAsync"/>.</summary>
    public static string HashRequest(ReadOnlySpan<byte> body) => Sha256Hex.Of(body);

    public async Task<IdempotencyBeginResult> TryBeginAsync(
        string userId, string key, string requestHash, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestHash);
        var partitionKey = PartitionKey(userId);
        EnsureValidKey(key);
        var attempt = Guid.NewGuid().ToString("N");
        while (true)
        {
            var now = time.GetUtcNow();
            var record = new TableEntity(partitionKey, key)
            {
                ["State"] = InProgressState,
                ["RequestHash"] = requestHash,
                ["StartedAt"] = now,
                ["Attempt"] = attempt,
            };
            try
            {
                var added = await _table.AddEntityAsync(record, cancellationToken).ConfigureAwait(false);
                return new IdempotencyBeginResult(IdempotencyOutcome.Started, added.Headers.ETag ?? default);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
            }

            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(partitionKey, key, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            if (!existing.HasValue)
            {
                continue; // abandoned between our insert and read: try to start again
            }

            var row = existing.Value!;
            if (row.GetString("State") == InProgressState && row.GetString("Attempt") == attempt)
            {
                return new IdempotencyBeginResult(IdempotencyOutcome.Started, row.ETag);
            }

            var age = now - (row.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue);
            var expired = row.GetString("State") == CompletedState && age >= Expiry;
            if (!expired && row.GetString("RequestHash") != requestHash)
            {
                return new IdempotencyBeginResult(IdempotencyOutcome.HashMismatch);
            }

            if (!expired && row.GetString("State") == CompletedState)
            {
                return new IdempotencyBeginResult(
                    IdempotencyOutcome.Completed,
                    Response: new IdempotentResponse(row.GetInt32("StatusCode") ?? 0, row.GetString("ResponseBody") ?? string.Empty));
            }

            if (!expired && age < Lease)
            {
                return new IdempotencyBeginResult(IdempotencyOutcome.InProgress);
            }

            try
            {
                var takenOver = await _table.UpdateEntityAsync(record, row.ETag, TableUpdateMode.Replace, cancellationToken)
                    .ConfigureAwait(false);
                return new IdempotencyBeginResult(IdempotencyOutcome.Started, takenOver.Headers.ETag ?? default);
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                // Someone else took it over or finished meanwhile: look again.
            }
        }
    }

    /// <summary>Stores the response to replay for later requests with the key.</summary>
    public async Task<IdempotencyFinishOutcome> CompleteAsync(
        string userId, string key, int statusCode, string body, ETag etag, CancellationToken cancellationToken)
    {
        EnsureValidKey(key);
        var record = new TableEntity(PartitionKey(userId), key)
        {
            ["State"] = CompletedState,
            ["CompletedAt"] = time.GetUtcNow(),
            ["StatusCode"] = statusCode,
            ["ResponseBody"] = PropertyLimits.EnsureFits(body, nameof(body)),
        };
        try
        {
            // Merge keeps the request hash; the ETag makes it fail if the lease was taken over.
            await _table.UpdateEntityAsync(record, etag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return IdempotencyFinishOutcome.Done;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return IdempotencyFinishOutcome.LeaseLost;
        }
    }

    /// <summary>Deletes the in-progress record after a failed create, so the client may retry with the same key.</summary>
    public async Task<IdempotencyFinishOutcome> AbandonAsync(
        string userId, string key, ETag etag, CancellationToken cancellationToken)
    {
        EnsureValidKey(key);
        try
        {
            // DeleteEntity reports a missing row as a 404 response rather than an exception.
            var response = await _table.DeleteEntityAsync(PartitionKey(userId), key, etag, cancellationToken).ConfigureAwait(false);
            return response.Status == 404 ? IdempotencyFinishOutcome.LeaseLost : IdempotencyFinishOutcome.Done;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return IdempotencyFinishOutcome.LeaseLost;
        }
    }

    /// <summary>
    /// Deletes the key's record when it is still the completed one whose response <paramref name="answered"/> accepts
    /// (a request that reused the key after it expired has its own record, which stays).
    /// </summary>
    public async Task DeleteCompletedAsync(string userId, string key, Func<IdempotentResponse, bool> answered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answered);
        EnsureValidKey(key);
        var existing = await _table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(userId), key, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!existing.HasValue || existing.Value!.GetString("State") != CompletedState
            || !answered(new IdempotentResponse(existing.Value.GetInt32("StatusCode") ?? 0, existing.Value.GetString("ResponseBody") ?? string.Empty)))
        {
            return;
        }

        try
        {
            await _table.DeleteEntityAsync(PartitionKey(userId), key, existing.Value.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Reused meanwhile: the record is someone's new request now.
        }
    }

    private static string PartitionKey(string userId) => TableKeys.User(userId);

    private static void EnsureValidKey(string key)
    {
        if (!IsValidKey(key))
        {
            throw new ArgumentException("An idempotency key is 1-100 characters of [A-Za-z0-9_-:.].", nameof(key));
        }
    }
}
