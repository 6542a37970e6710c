using Azure;
using Azure.Data.Tables;

namespace Transactions.Storage;

/// <summary>
/// An event to publish, recorded by the state change that produced it. <see cref="EventId"/> is deterministic (e.g.
/// "final" or "order-v7-ITC-BUY-b1"), so reprocessing the same input produces the same id; <see cref="StateVersion"/>
/// is the version of the transaction state that recorded it (the events of one change are published together).
/// </summary>
public sealed record OutboxEvent(
    string TransactionId,
    long StateVersion,
    string EventId,
    string EventType,
    string PayloadJson,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PublishedAt = null)
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

    /// <summary>
    /// Unpublished events of all transactions recorded at or before <paramref name="recordedBy"/>, at most
    /// <paramref name="maxResults"/>, for a sweeper that sends what a crash left behind. Scans the whole table (a
    /// filter on non-key properties).
    /// </summary>
    public Task<IReadOnlyList<OutboxEvent>> ListAllUnpublishedAsync(DateTimeOffset recordedBy, int maxResults, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResults, 1);
        return QueryAsync(
            TableClient.CreateQueryFilter(
                $"RowKey ge {RowKeyPrefix} and RowKey lt {RowKeyEnd} and Published eq {false} and CreatedAt le {recordedBy.ToUniversalTime()}"),
            maxResults,
            cancellationToken);
    }

    /// <summary>Marks the transaction's events published: one entity-group transaction per 100 events.</summary>
    /// <returns>False when one of them does not exist (nothing of that group was marked).</returns>
    public async Task<bool> MarkPublishedAsync(string transactionId, IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var partitionKey = TableKeys.Escape(transactionId, nameof(transactionId));
        var publishedAt = time.GetUtcNow();
        var marked = true;
        foreach (var chunk in eventIds.Chunk(MaxBatchOperations))
        {
            var actions = chunk.Select(eventId => new TableTransactionAction(
                TableTransactionActionType.UpdateMerge,
                new TableEntity(partitionKey, RowKey(eventId)) { ["Published"] = true, ["PublishedAt"] = publishedAt },
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
                row.GetDateTimeOffset("PublishedAt")));
            if (events.Count == maxResults)
            {
                break;
            }
        }

        return [.. events.OrderBy(e => e.CreatedAt).ThenBy(e => e.StateVersion).ThenBy(e => e.EventId, StringComparer.Ordinal)];
    }
}
