using Azure;
using Azure.Data.Tables;

namespace Transactions.Storage;

/// <summary>
/// An event to publish, recorded by the state change that produced it. <see cref="EventId"/> is deterministic (e.g.
/// "final" or "order-v7-ITC-BUY-b1"), so reprocessing the same input produces the same id; <see cref="StateVersion"/>
/// is the version of the transaction state that recorded it (the events of one change are published together);
/// <see cref="LoggedAt"/> is when its latest sending wrote it to the outcome log, its place there.
/// </summary>
public sealed record OutboxEvent(
    string TransactionId,
    long StateVersion,
    string EventId,
    string EventType,
    string PayloadJson,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PublishedAt = null,
    DateTimeOffset? LoggedAt = null)
{
    public bool IsPublished => PublishedAt is not null;
}

/// <summary>
/// Outbox rows in the transaction's own partition of table <c>Transactions</c> (PK = transaction id, RK =
/// "evt|" + event id), so <see cref="TransactionStore.ReplaceAsync"/> records a state change and its events in one
/// entity-group transaction: both or neither. A publisher sends unpublished events and then marks them published; a
/// crash in between re-sends them, so consumers dedupe on the event id (publication is at-least-once).
/// </summary>
public sealed class OutboxStore(StorageClients clients, TimeProvider time)
{
    /// <summary>An entity-group transaction holds at most 100 operations.</summary>
    public const int MaxBatchOperations = 100;

    internal const string RowKeyPrefix = "evt|";

    /// <summary>The first character after '|': every outbox row key sorts between the prefix and this bound.</summary>
    private const string RowKeyEnd = "evt}";

    /// <summary>Not a transaction id (those are Gateway ids: letters, digits and '_'), so it never meets a transaction's partition.</summary>
    internal const string UnsentPartition = "~unsent";

    private readonly TableClient _table = clients.Table(TableNames.Transactions);

    /// <summary>The transaction's unpublished events, oldest first.</summary>
    public Task<IReadOnlyList<OutboxEvent>> ListUnpublishedAsync(string transactionId, CancellationToken cancellationToken) =>
        QueryAsync(
            TableClient.CreateQueryFilter(
                $"PartitionKey eq {TableKeys.Escape(transactionId, nameof(transactionId))} and RowKey ge {RowKeyPrefix} and RowKey lt {RowKeyEnd} and Published eq {false}"),
            int.MaxValue,
            cancellationToken);

    /// <summary>One event of a transaction; null when there is none with that id.</summary>
    public async Task<OutboxEvent?> GetAsync(string transactionId, string eventId, CancellationToken cancellationToken) =>
        (await QueryAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(transactionId, nameof(transactionId))} and RowKey eq {RowKey(eventId)}"),
            1,
            cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <summary>Flags the transaction as having events its sending left unsent (again: the flag's time moves to now).</summary>
    public Task FlagUnsentAsync(string transactionId, CancellationToken cancellationToken) =>
        _table.UpsertEntityAsync(
            new TableEntity(UnsentPartition, TableKeys.Escape(transactionId, nameof(transactionId)))
            {
                ["TransactionId"] = transactionId,
                ["FlaggedAt"] = time.GetUtcNow(),
            },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>Up to <paramref name="maxResults"/> transactions flagged at or before <paramref name="flaggedBy"/>: one partition's rows.</summary>
    public async Task<IReadOnlyList<UnsentFlag>> ListUnsentFlagsAsync(DateTimeOffset flaggedBy, int maxResults, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResults, 1);
        var flags = new List<UnsentFlag>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {UnsentPartition} and FlaggedAt le {flaggedBy.ToUniversalTime()}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: maxResults, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            flags.Add(new UnsentFlag(row.GetString("TransactionId"), row.ETag));
            if (flags.Count == maxResults)
            {
                break;
            }
        }

        return flags;
    }

    /// <summary>
    /// Removes the flag once its events are sent; with <paramref name="flag"/>'s ETag a flag raised again meanwhile
    /// stays. Removing a flag that is not there is fine.
    /// </summary>
    public async Task ClearUnsentFlagAsync(string transactionId, ETag flag, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(UnsentPartition, TableKeys.Escape(transactionId, nameof(transactionId)), flag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Flagged again after it was read: the next sweep looks again.
        }
    }

    /// <summary>
    /// Marks the transaction's events published, written to the outcome log at <paramref name="loggedAt"/>: one
    /// entity-group transaction per 100 events.
    /// </summary>
    /// <returns>False when one of them does not exist (nothing of that group was marked).</returns>
    public async Task<bool> MarkPublishedAsync(string transactionId, IReadOnlyCollection<string> eventIds, DateTimeOffset loggedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var partitionKey = TableKeys.Escape(transactionId, nameof(transactionId));
        var publishedAt = time.GetUtcNow();
        var marked = true;
        foreach (var chunk in eventIds.Chunk(MaxBatchOperations))
        {
            var actions = chunk.Select(eventId => new TableTransactionAction(
                TableTransactionActionType.UpdateMerge,
                new TableEntity(partitionKey, RowKey(eventId)) { ["Published"] = true, ["PublishedAt"] = publishedAt, ["LoggedAt"] = loggedAt },
                ETag.All));
            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException e) when (e.Status == 404)
            {
                marked = false;
            }
        }

        return marked;
    }

    internal static string RowKey(string eventId) => RowKeyPrefix + TableKeys.Escape(eventId, nameof(eventId));

    /// <summary>The row of an event not yet published, for the state change's entity-group transaction.</summary>
    internal static TableEntity ToEntity(OutboxEvent outboxEvent)
    {
        ArgumentNullException.ThrowIfNull(outboxEvent);
        ArgumentException.ThrowIfNullOrEmpty(outboxEvent.EventType, nameof(outboxEvent));
        return new TableEntity(TableKeys.Escape(outboxEvent.TransactionId, nameof(outboxEvent.TransactionId)), RowKey(outboxEvent.EventId))
        {
            ["TransactionId"] = outboxEvent.TransactionId,
            ["StateVersion"] = outboxEvent.StateVersion,
            ["EventId"] = outboxEvent.EventId,
            ["EventType"] = outboxEvent.EventType,
            ["PayloadJson"] = PropertyLimits.EnsureFits(outboxEvent.PayloadJson, nameof(outboxEvent.PayloadJson)),
            ["CreatedAt"] = outboxEvent.CreatedAt,
            ["Published"] = false,
        };
    }

    private async Task<IReadOnlyList<OutboxEvent>> QueryAsync(string filter, int maxResults, CancellationToken cancellationToken)
    {
        var events = new List<OutboxEvent>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            events.Add(new OutboxEvent(
                row.GetString("TransactionId"),
                row.GetInt64("StateVersion") ?? 0,
                row.GetString("EventId"),
                row.GetString("EventType"),
                row.GetString("PayloadJson"),
                row.GetDateTimeOffset("CreatedAt")!.Value,
                row.GetDateTimeOffset("PublishedAt"),
                row.GetDateTimeOffset("LoggedAt")));
            if (events.Count == maxResults)
            {
                break;
            }
        }

        return [.. events.OrderBy(e => e.CreatedAt).ThenBy(e => e.StateVersion).ThenBy(e => e.EventId, StringComparer.Ordinal)];
    }
}

/// <summary>A transaction flagged as having unsent events; <see cref="ETag"/> tells a flag raised again since it was read.</summary>
public sealed record UnsentFlag(string TransactionId, ETag ETag);
