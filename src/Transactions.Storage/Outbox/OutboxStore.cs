using Azure;
using Azure.Data.Tables;

namespace Transactions.Storage;

/// <summary>An event to publish. <see cref="EventId"/> is deterministic (e.g. "final" or "orders-v7") so reprocessing the same input produces the same id.</summary>
public sealed record OutboxEvent(
    string TransactionId,
    string EventId,
    string EventType,
    string PayloadJson,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PublishedAt = null)
{
    public bool IsPublished => PublishedAt is not null;
}

/// <summary>
/// Table <c>Outbox</c> (PK = transaction id, RK = event id). The tracker's processing is at-least-once; inserting
/// an event here is atomic and a second insert of the same id is <see cref="WriteOutcome.AlreadyExists"/>, so each
/// event is recorded exactly once. A publisher sends unpublished events and then marks them published; a crash in
/// between re-sends, so consumers must dedupe on the event id (publication itself is at-least-once).
/// </summary>
public sealed class OutboxStore(StorageClients clients, TimeProvider time)
{
    private readonly TableClient _table = clients.Table(TableNames.Outbox);

    /// <returns><see cref="WriteOutcome.Written"/>, or <see cref="WriteOutcome.AlreadyExists"/> for an event id seen before.</returns>
    public async Task<WriteOutcome> TryAddAsync(OutboxEvent outboxEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outboxEvent);
        ArgumentException.ThrowIfNullOrEmpty(outboxEvent.EventType, nameof(outboxEvent));
        var entity = new TableEntity(
            TableKeys.Escape(outboxEvent.TransactionId, nameof(outboxEvent.TransactionId)),
            TableKeys.Escape(outboxEvent.EventId, nameof(outboxEvent.EventId)))
        {
            ["TransactionId"] = outboxEvent.TransactionId,
            ["EventId"] = outboxEvent.EventId,
            ["EventType"] = outboxEvent.EventType,
            ["PayloadJson"] = PropertyLimits.EnsureFits(outboxEvent.PayloadJson, nameof(outboxEvent.PayloadJson)),
            ["CreatedAt"] = outboxEvent.CreatedAt,
            ["Published"] = false,
        };
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return WriteOutcome.Written;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return WriteOutcome.AlreadyExists;
        }
    }

    /// <summary>The transaction's unpublished events, oldest first.</summary>
    public Task<IReadOnlyList<OutboxEvent>> ListUnpublishedAsync(string transactionId, CancellationToken cancellationToken) =>
        QueryAsync(
            TableClient.CreateQueryFilter(
                $"PartitionKey eq {TableKeys.Escape(transactionId, nameof(transactionId))} and Published eq {false}"),
            int.MaxValue,
            cancellationToken);

    /// <summary>
    /// Unpublished events of all transactions, at most <paramref name="maxResults"/>, for a sweeper that republishes
    /// what a crash left behind. Scans the whole table (a filter on a non-key property).
    /// </summary>
    public Task<IReadOnlyList<OutboxEvent>> ListAllUnpublishedAsync(int maxResults, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResults, 1);
        return QueryAsync(TableClient.CreateQueryFilter($"Published eq {false}"), maxResults, cancellationToken);
    }

    /// <returns>False when there is no such event.</returns>
    public async Task<bool> MarkPublishedAsync(string transactionId, string eventId, CancellationToken cancellationToken)
    {
        var update = new TableEntity(
            TableKeys.Escape(transactionId, nameof(transactionId)), TableKeys.Escape(eventId, nameof(eventId)))
        {
            ["Published"] = true,
            ["PublishedAt"] = time.GetUtcNow(),
        };
        try
        {
            await _table.UpdateEntityAsync(update, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private async Task<IReadOnlyList<OutboxEvent>> QueryAsync(string filter, int maxResults, CancellationToken cancellationToken)
    {
        var events = new List<OutboxEvent>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            events.Add(new OutboxEvent(
                row.GetString("TransactionId"),
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

        return [.. events.OrderBy(e => e.CreatedAt).ThenBy(e => e.EventId, StringComparer.Ordinal)];
    }
}
