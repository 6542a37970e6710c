using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Transactions.Storage;

/// <summary>
/// A published event's place in the outcome log: the time it was recorded, then, for the events of one change, their
/// publication order (transaction, state version, order updates before the outcome, event id).
/// </summary>
/// <param name="Tail">What follows the time in the row key; empty for the position before every event of that instant.</param>
public sealed record OutcomeLogPosition(DateTimeOffset RecordedAt, string Tail)
{
    private const string TimeFormat = "yyyyMMddHHmmssfffffff";

    internal string Day => RecordedAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The recording time alone sorts before every row key that extends it, and after every earlier time.</summary>
    internal string RowKey => Tail.Length == 0 ? Time : $"{Time}|{Tail}";

    private string Time => RecordedAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static OutcomeLogPosition Of(OutboxEvent outboxEvent)
    {
        ArgumentNullException.ThrowIfNull(outboxEvent);
        var outcomeLast = outboxEvent.EventType == Transactions.Contracts.OutcomeEventTypes.OrderUpdated ? 0 : 1;
        return new(outboxEvent.CreatedAt, string.Create(
            CultureInfo.InvariantCulture, $"{outboxEvent.TransactionId}|{outboxEvent.StateVersion:D19}|{outcomeLast}|{outboxEvent.EventId}"));
    }

    /// <summary>The position just before every event recorded at or after <paramref name="instant"/> (and after every earlier one).</summary>
    public static OutcomeLogPosition Before(DateTimeOffset instant) => new(instant, string.Empty);

    /// <summary>The position as an opaque cursor (URL-safe).</summary>
    public override string ToString() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(RowKey));

    /// <returns>False when <paramref name="cursor"/> is not one <see cref="ToString"/> made.</returns>
    public static bool TryParseCursor(string cursor, out OutcomeLogPosition? position)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        position = null;
        try
        {
            position = TryParseRowKey(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)));
            return position is not null;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    internal static OutcomeLogPosition? TryParseRowKey(string rowKey)
    {
        var time = rowKey.Split('|', 2);
        return time[0].Length == TimeFormat.Length && DateTime.TryParseExact(
            time[0], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var recordedAt)
            ? new OutcomeLogPosition(new DateTimeOffset(recordedAt, TimeSpan.Zero), time.Length == 2 ? time[1] : string.Empty)
            : null;
    }
}

/// <summary>A page of the log: the events after a position, oldest first, and where the next page starts.</summary>
public sealed record OutcomeLogPage(IReadOnlyList<string> PayloadsJson, OutcomeLogPosition Next);

/// <summary>
/// Every published outcome event in the order it was recorded, for consumers that lost messages to read again. Table
/// <c>OutcomeLog</c>: one partition per UTC day of recording (so a reader walks days, never scans, and retention
/// drops whole days), row key = <see cref="OutcomeLogPosition"/>, written before the event is sent (an
/// upsert: a re-sent event lands on its own row). Row <c>watermark/complete</c> holds the instant up to which every
/// event recorded is in the log, advanced by the outbox sweep once nothing older is left unsent; readers see only
/// events before it, so a page never skips an event that is still being sent.
/// </summary>
public sealed class OutcomeLogStore(StorageClients clients)
{
    private const string WatermarkPartition = "watermark";
    private const string WatermarkRow = "complete";

    private readonly TableClient _table = clients.Table(TableNames.OutcomeLog);

    /// <summary>Writes the events' log rows: one entity-group transaction per day and 100 events.</summary>
    public async Task AppendAsync(IReadOnlyCollection<OutboxEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var rows = events.Select(e => (Position: OutcomeLogPosition.Of(e), Event: e)).DistinctBy(r => r.Position.RowKey, StringComparer.Ordinal);
        foreach (var day in rows.GroupBy(r => r.Position.Day, StringComparer.Ordinal))
        {
            foreach (var chunk in day.Chunk(OutboxStore.MaxBatchOperations))
            {
                var actions = chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(day.Key, r.Position.RowKey)
                {
                    ["EventType"] = r.Event.EventType,
                    ["PayloadJson"] = PropertyLimits.EnsureFits(r.Event.PayloadJson, nameof(r.Event.PayloadJson)),
                }));
                await _table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> events after <paramref name="after"/> and before <paramref name="until"/>,
    /// oldest first: one range query per day, walking forward until the page is full or the days run out.
    /// </summary>
    public async Task<OutcomeLogPage> ReadAsync(OutcomeLogPosition after, DateTimeOffset until, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var payloads = new List<string>(limit);
        var next = after;
        var end = OutcomeLogPosition.Before(until);
        for (var day = after.RecordedAt.UtcDateTime.Date; day <= until.UtcDateTime.Date && payloads.Count < limit; day = day.AddDays(1))
        {
            var partition = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {next.RowKey} and RowKey lt {end.RowKey}");
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: limit - payloads.Count, select: ["RowKey", "PayloadJson"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                payloads.Add(row.GetString("PayloadJson"));
                next = OutcomeLogPosition.TryParseRowKey(row.RowKey) ?? throw new InvalidDataException($"Outcome log row key '{row.RowKey}' is malformed.");
                if (payloads.Count == limit)
                {
                    break;
                }
            }
        }

        // A page that is not full has served every event before the watermark.
        return new OutcomeLogPage(payloads, payloads.Count < limit && string.CompareOrdinal(end.RowKey, next.RowKey) > 0 ? end : next);
    }

    /// <summary>
    /// Deletes the rows of the days before <paramref name="keepFrom"/>'s, oldest first, at most <paramref name="maxRows"/>
    /// (rounded up to a batch): a range query over day partitions, never a scan. Before a batch of rows goes,
    /// <paramref name="finished"/> gets the transactions whose final outcome they hold (the log is the index of
    /// transactions by the day they finished), so what else they keep can go first.
    /// </summary>
    /// <returns>How many rows were deleted; fewer than <paramref name="maxRows"/> means none of those days is left.</returns>
    public async Task<int> DeleteDaysBeforeAsync(
        DateTimeOffset keepFrom, int maxRows, Func<IReadOnlyList<string>, CancellationToken, Task> finished, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(finished);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        var firstKept = OutcomeLogPosition.Before(keepFrom).Day;
        var deleted = 0;
        while (deleted < maxRows)
        {
            // Day partitions are digits, which sort before the watermark's partition.
            var filter = TableClient.CreateQueryFilter($"PartitionKey ge {"0"} and PartitionKey lt {firstKept}");
            var rows = new List<TableEntity>();
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: OutboxStore.MaxBatchOperations, select: ["PartitionKey", "RowKey", "EventType"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                rows.Add(row);
                if (rows.Count == OutboxStore.MaxBatchOperations)
                {
                    break;
                }
            }

            if (rows.Count == 0)
            {
                break;
            }

            await finished(
                [.. rows.Where(r => r.GetString("EventType") != Transactions.Contracts.OutcomeEventTypes.OrderUpdated)
                    .Select(r => OutcomeLogPosition.TryParseRowKey(r.RowKey)?.Tail.Split('|')[0])
                    .OfType<string>()
                    .Distinct(StringComparer.Ordinal)],
                cancellationToken).ConfigureAwait(false);
            foreach (var day in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
            {
                await _table.SubmitTransactionAsync(day.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken).ConfigureAwait(false);
                deleted += day.Count();
            }
        }

        return deleted;
    }

    /// <summary>The instant up to which every recorded event is in the log; null before the first sweep recorded one.</summary>
    public async Task<DateTimeOffset?> GetCompleteUntilAsync(CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(WatermarkPartition, WatermarkRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetDateTimeOffset("CompleteUntil") : null;
    }

    /// <summary>Moves the watermark forward to <paramref name="instant"/>; never back (a slower sweep racing a faster one leaves the later instant).</summary>
    public async Task AdvanceCompleteUntilAsync(DateTimeOffset instant, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(WatermarkPartition, WatermarkRow, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (row.HasValue && row.Value!.GetDateTimeOffset("CompleteUntil") >= instant)
            {
                return;
            }

            var entity = new TableEntity(WatermarkPartition, WatermarkRow) { ["CompleteUntil"] = instant };
            try
            {
                if (row.HasValue)
                {
                    await _table.UpdateEntityAsync(entity, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another sweep moved it meanwhile: read it again.
            }
        }
    }
}
