using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Gateway.Client.Json;
using Gateway.Client.Transactions;
using Microsoft.Extensions.Logging;

namespace Transactions.Storage;

/// <summary>
/// Transaction rows (table <c>Transactions</c>, PK = transaction id, RK = "tx") written with ETag optimistic
/// concurrency, plus the per-user index (table <c>UserTransactions</c>) behind "my transactions".
/// </summary>
/// <remarks>
/// <para>
/// The transaction's partition also holds its outbox rows (see <see cref="OutboxStore"/>), so a state change and the
/// events it publishes are saved in one entity-group transaction.
/// </para>
/// <para>
/// The index is eventually consistent and shows the status as of its last change (its <c>UpdatedAt</c> is when the
/// status last changed). An insert adds the index row; every replace that changes <see cref="TransactionRecord.Status"/>
/// is followed by <see cref="SyncIndexAsync"/>, which writes the index row only if it holds an older
/// <see cref="TransactionRecord.Version"/> (so two racing writers cannot leave it behind): with the ETag of the row
/// this instance last wrote when it has one, else after reading the row's version. If the process dies, or the index
/// write fails, between the two writes, the index shows the previous status until the next status change; the
/// outbox sweep calls <see cref="SyncIndexAsync"/> for transactions whose events it finds unpublished (a crash right
/// after a save). The transaction row is always the source of truth.
/// </para>
/// </remarks>
public sealed class TransactionStore(StorageClients clients, ILogger<TransactionStore> logger)
{
    private const string TransactionRowKey = "tx";
    public const int MaxPageSize = 100;
    private const int IndexSyncAttempts = 3;
    private const int MaxIndexRowsRemembered = 10_000;

    private readonly TableClient _transactions = clients.Table(TableNames.Transactions);
    private readonly TableClient _index = clients.Table(TableNames.UserTransactions);
    private readonly ConcurrentDictionary<string, IndexRowWritten> _indexRowsWritten = new(StringComparer.Ordinal);

    public async Task<StoredTransaction?> GetAsync(string transactionId, CancellationToken cancellationToken)
    {
        var response = await _transactions.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.Escape(transactionId, nameof(transactionId)), TransactionRowKey, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return response.HasValue ? new StoredTransaction(FromEntity(response.Value!), response.Value!.ETag) : null;
    }

    /// <returns><see cref="WriteOutcome.Written"/> with the ETag, or <see cref="WriteOutcome.AlreadyExists"/>.</returns>
    public async Task<WriteResult> InsertAsync(TransactionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var entity = ToEntity(record);
        Response response;
        try
        {
            response = await _transactions.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return new WriteResult(WriteOutcome.AlreadyExists);
        }

        await TryInsertIndexAsync(record, cancellationToken).ConfigureAwait(false);
        return new WriteResult(WriteOutcome.Written, response.Headers.ETag ?? default);
    }

    /// <summary>
    /// Saves a state change: replaces the row read as <paramref name="current"/> if it still has that ETag and records
    /// <paramref name="events"/> in the transaction's outbox, in one entity-group transaction (both or neither).
    /// Then brings the user index up to date if the status shown there changed.
    /// </summary>
    /// <returns>
    /// <see cref="WriteOutcome.Written"/> with the new ETag; <see cref="WriteOutcome.Conflict"/> when another writer
    /// got there first (nothing was written: reload and re-apply); <see cref="WriteOutcome.NotFound"/> when the row is gone.
    /// </returns>
    public async Task<WriteResult> ReplaceAsync(
        StoredTransaction current, TransactionRecord updated, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(events);
        if (current.ETag == default || current.ETag == ETag.All)
        {
            throw new ArgumentException("Replace needs the ETag of the row that was read.", nameof(current));
        }

        if (!string.Equals(current.Record.TransactionId, updated.TransactionId, StringComparison.Ordinal)
            || events.Any(e => !string.Equals(e.TransactionId, updated.TransactionId, StringComparison.Ordinal)))
        {
            throw new ArgumentException("A state change and its events belong to one transaction.", nameof(events));
        }

        if (events.Count >= OutboxStore.MaxBatchOperations)
        {
            throw new ArgumentException(
                $"{events.Count} events do not fit in one entity-group transaction with the state row (at most {OutboxStore.MaxBatchOperations - 1}).",
                nameof(events));
        }

        ETag written;
        try
        {
            written = events.Count == 0
                ? await ReplaceRowAsync(updated, current.ETag, cancellationToken).ConfigureAwait(false)
                : await ReplaceRowWithEventsAsync(updated, current.ETag, events, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return new WriteResult(WriteOutcome.Conflict);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new WriteResult(WriteOutcome.NotFound);
        }

        if (!string.Equals(current.Record.Status, updated.Status, StringComparison.Ordinal))
        {
            await TrySyncIndexAsync(updated, cancellationToken).ConfigureAwait(false);
        }

        return new WriteResult(WriteOutcome.Written, written);
    }

    private async Task<ETag> ReplaceRowAsync(TransactionRecord record, ETag etag, CancellationToken cancellationToken)
    {
        var response = await _transactions.UpdateEntityAsync(ToEntity(record), etag, TableUpdateMode.Replace, cancellationToken)
            .ConfigureAwait(false);
        return response.Headers.ETag ?? default;
    }

    private async Task<ETag> ReplaceRowWithEventsAsync(
        TransactionRecord record, ETag etag, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.UpdateReplace, ToEntity(record), etag),
            .. events.Select(e => new TableTransactionAction(TableTransactionActionType.Add, OutboxStore.ToEntity(e))),
        ];
        var response = await _transactions.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        return response.Value[0].Headers.ETag ?? default;
    }

    /// <summary>
    /// Brings the user index row up to <paramref name="record"/> unless it already holds the same or a newer version.
    /// Called after an insert and after a status change; call it to repair the index for a transaction that was loaded.
    /// </summary>
    public async Task SyncIndexAsync(TransactionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var row = ToIndexEntity(record);
        if (_indexRowsWritten.TryGetValue(record.TransactionId, out var written))
        {
            // Versions only grow: the row holds what this instance wrote or something newer.
            if (written.Version >= record.Version)
            {
                return;
            }

            // Still the row this instance wrote (an older version): replace it without reading it first.
            try
            {
                var replaced = await _index.UpdateEntityAsync(row, written.ETag, TableUpdateMode.Replace, cancellationToken)
                    .ConfigureAwait(false);
                RememberIndexRow(record, replaced.Headers.ETag);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                // Another writer (or a repair) changed it since: read it and decide by version.
            }
        }

        for (var attempt = 1; attempt <= IndexSyncAttempts; attempt++)
        {
            var existing = await _index.GetEntityIfExistsAsync<TableEntity>(
                row.PartitionKey, row.RowKey, ["Version"], cancellationToken).ConfigureAwait(false);
            try
            {
                if (!existing.HasValue)
                {
                    var added = await _index.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
                    RememberIndexRow(record, added.Headers.ETag);
                    return;
                }

                if ((existing.Value!.GetInt64("Version") ?? 0) >= record.Version)
                {
                    return;
                }

                var replaced = await _index.UpdateEntityAsync(row, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken)
                    .ConfigureAwait(false);
                RememberIndexRow(record, replaced.Headers.ETag);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
            {
                // Another writer changed the index row between our read and write: read it again.
            }
        }

        StorageLog.UserIndexSyncContended(logger, record.TransactionId, IndexSyncAttempts);
    }

    /// <summary>
    /// Keeps the ETag of an index row this instance wrote, so the next status change replaces it with that ETag instead
    /// of reading it first. Bounded: when full it starts over (a miss only costs the read).
    /// </summary>
    private void RememberIndexRow(TransactionRecord record, ETag? etag)
    {
        if (etag is not { } known)
        {
            return;
        }

        if (_indexRowsWritten.Count >= MaxIndexRowsRemembered)
        {
            _indexRowsWritten.Clear();
        }

        _indexRowsWritten.AddOrUpdate(
            record.TransactionId,
            new IndexRowWritten(record.Version, known),
            (_, previous) => previous.Version >= record.Version ? previous : new IndexRowWritten(record.Version, known));
    }

    /// <summary>
    /// A page of the user's transactions, newest first, optionally only those with <paramref name="status"/>.
    /// Keyset pagination: the cursor is the last row key returned, so every page is full (except the last) even
    /// with a filter, and rows added meanwhile never shift later pages.
    /// </summary>
    public async Task<TransactionPage> ListForUserAsync(
        string userId, string? status, TransactionCursor? after, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.User(userId)}");
        if (after is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {after.RowKey}");
        }

        if (!string.IsNullOrEmpty(status))
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {status}");
        }

        // One row more than the page tells whether another page exists.
        var rows = new List<TableEntity>(pageSize + 1);
        await foreach (var row in _index.QueryAsync<TableEntity>(filter, pageSize + 1, cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            rows.Add(row);
            if (rows.Count > pageSize)
            {
                break;
            }
        }

        var items = rows.Take(pageSize).Select(FromIndexEntity).ToList();
        var next = rows.Count > pageSize ? TransactionCursor.After(rows[pageSize - 1].RowKey) : null;
        return new TransactionPage(items, next);
    }

    private async Task TrySyncIndexAsync(TransactionRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await SyncIndexAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            // The transaction row is written and is the truth; the index catches up on the next write.
            StorageLog.UserIndexSyncFailed(logger, record.TransactionId, e);
        }
    }

    /// <summary>
    /// Deletes a transaction past its retention: its row in the user's index, then its partition (the transaction row
    /// and its outbox), in entity-group transactions of 100. A transaction that is gone already is nothing to do.
    /// </summary>
    /// <returns>The deleted record, for what it points to elsewhere (notes reference, idempotency record); null when there was none.</returns>
    public async Task<TransactionRecord?> DeleteAsync(string transactionId, CancellationToken cancellationToken)
    {
        if (await GetAsync(transactionId, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }

        var index = ToIndexEntity(stored.Record);
        await _index.DeleteEntityAsync(index.PartitionKey, index.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        var partition = TableKeys.Escape(transactionId, nameof(transactionId));
        var rows = new List<TableEntity>();
        await foreach (var row in _transactions.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        // The transaction row goes last, so a run that stops halfway finds the transaction again next time.
        foreach (var chunk in rows.OrderBy(r => r.RowKey == TransactionRowKey).Chunk(OutboxStore.MaxBatchOperations))
        {
            await _transactions.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken).ConfigureAwait(false);
        }

        return stored.Record;
    }

    private static TableEntity ToEntity(TransactionRecord record)
    {
        var entity = new TableEntity(TableKeys.Escape(record.TransactionId, nameof(record.TransactionId)), TransactionRowKey)
        {
            ["TransactionId"] = record.TransactionId,
            ["UserId"] = record.UserId,
            ["NotesRef"] = record.NotesRef,
            ["CreatedAt"] = record.CreatedAt,
            ["ExpireAt"] = record.ExpireAt,
            ["Securities"] = PropertyLimits.EnsureFits(
                JsonSerializer.Serialize(record.Securities, GatewayJson.Options), nameof(record.Securities)),
            ["Status"] = record.Status,
            ["StateJson"] = PropertyLimits.EnsureFits(record.StateJson, nameof(record.StateJson)),
            ["Version"] = record.Version,
            ["UpdatedAt"] = record.UpdatedAt,
        };
        if (record.NextWakeAt is { } wake)
        {
            entity["NextWakeAt"] = wake;
        }

        if (record.TraceParent is { } traceParent)
        {
            entity["TraceParent"] = traceParent;
        }

        if (record.IdempotencyKey is { } idempotencyKey)
        {
            entity["IdempotencyKey"] = idempotencyKey;
        }

        return entity;
    }

    private static TransactionRecord FromEntity(TableEntity entity) => new()
    {
        TransactionId = entity.GetString("TransactionId"),
        UserId = entity.GetString("UserId"),
        NotesRef = entity.GetString("NotesRef"),
        CreatedAt = entity.GetDateTimeOffset("CreatedAt")!.Value,
        ExpireAt = entity.GetDateTimeOffset("ExpireAt")!.Value,
        Securities = JsonSerializer.Deserialize<List<SecurityOrder>>(entity.GetString("Securities"), GatewayJson.Options) ?? [],
        Status = entity.GetString("Status"),
        StateJson = entity.GetString("StateJson"),
        NextWakeAt = entity.GetDateTimeOffset("NextWakeAt"),
        Version = entity.GetInt64("Version") ?? 0,
        UpdatedAt = entity.GetDateTimeOffset("UpdatedAt")!.Value,
        TraceParent = entity.GetString("TraceParent"),
        IdempotencyKey = entity.GetString("IdempotencyKey"),
    };

    private static TableEntity ToIndexEntity(TransactionRecord record) => new(
        TableKeys.User(record.UserId),
        UserIndexKeys.RowKey(record.CreatedAt, TableKeys.Escape(record.TransactionId, nameof(record.TransactionId))))
    {
        ["TransactionId"] = record.TransactionId,
        ["Status"] = record.Status,
        ["CreatedAt"] = record.CreatedAt,
        ["UpdatedAt"] = record.UpdatedAt,
        ["ExpireAt"] = record.ExpireAt,
        ["Version"] = record.Version,
    };

    private static TransactionSummary FromIndexEntity(TableEntity entity) => new(
        entity.GetString("TransactionId"),
        entity.GetString("Status"),
        entity.GetDateTimeOffset("CreatedAt")!.Value,
        entity.GetDateTimeOffset("UpdatedAt")!.Value,
        entity.GetDateTimeOffset("ExpireAt")!.Value);

    /// <summary>
    /// The index row of a newly inserted transaction usually does not exist yet: insert it without reading first, and
    /// fall back to the versioned sync only when it does (409: an earlier attempt, or a racing writer, got there first).
    /// </summary>
    private async Task TryInsertIndexAsync(TransactionRecord record, CancellationToken cancellationToken)
    {
        try
        {
            var added = await _index.AddEntityAsync(ToIndexEntity(record), cancellationToken).ConfigureAwait(false);
            RememberIndexRow(record, added.Headers.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            await TrySyncIndexAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            // The transaction row is written and is the truth; the index catches up on the next write.
            StorageLog.UserIndexSyncFailed(logger, record.TransactionId, e);
        }
    }
}

/// <summary>The version and ETag of a user index row as this instance last wrote it.</summary>
internal readonly record struct IndexRowWritten(long Version, ETag ETag);
