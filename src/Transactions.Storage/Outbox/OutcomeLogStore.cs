using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Transactions.Storage;

/// <summary>
/// A published event's place in the outcome log: the time it was written there, then, for the events of one change,
/// their publication order (transaction, state version, order updates before the outcome, event id).
/// </summary>
/// <param name="LoggedAt">When the event was written to the log (for <see cref="Before"/>, any instant).</param>
/// <param name="Tail">What follows the time in the row key; empty for the position before every event of that instant.</param>
public sealed record OutcomeLogPosition(DateTimeOffset LoggedAt, string Tail)
{
    private const string TimeFormat = "yyyyMMddHHmmssfffffff";

    internal string Day => LoggedAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The logging time alone sorts before every row key that extends it, and after every earlier time.</summary>
    internal string RowKey => Tail.Length == 0 ? Time : $"{Time}|{Tail}";

    private string Time => LoggedAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static OutcomeLogPosition Of(OutboxEvent outboxEvent, DateTimeOffset loggedAt)
    {
        ArgumentNullException.ThrowIfNull(outboxEvent);
        var outcomeLast = outboxEvent.EventType == Transactions.Contracts.OutcomeEventTypes.OrderUpdated ? 0 : 1;
        return new(loggedAt, string.Create(
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
            time[0], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var loggedAt)
            ? new OutcomeLogPosition(new DateTimeOffset(loggedAt, TimeSpan.Zero), time.Length == 2 ? time[1] : string.Empty)
            : null;
    }
}

/// <summary>A page of the log: the events after a position, oldest first, and where the next page starts.</summary>
public sealed record OutcomeLogPage(IReadOnlyList<string> PayloadsJson, OutcomeLogPosition Next);

/// <summary>
/// Every published outcome event in the order it was written here, for consumers that lost messages to read again.
/// Table <c>OutcomeLog</c>: one partition per UTC day of logging (so a reader walks days, never scans, and retention
/// drops whole days), row key = <see cref="OutcomeLogPosition"/>, written just before the event is sent. An event is
/// placed by the time of its writing, not of its recording, and a writing gives up after <see cref="AppendTimeLimit"/>:
/// so no row ever appears older than <see cref="SettledAfter"/>, and a reader that stays that far behind never skips
/// one, however late a crashed or failed sending is repeated. A repeated sending logs the event again at its new time
/// (the log, like the queue, is at-least-once: consumers dedupe on the event id).
/// </summary>
public sealed class OutcomeLogStore(StorageClients clients)
{
    /// <summary>How long one writing of log rows may take, retries included; the storage service ends a request it still holds within 30 s of that.</summary>
    public static readonly TimeSpan AppendTimeLimit = TimeSpan.FromSeconds(30);

    /// <summary>The age past which the log holds every row it will ever hold for that time (with a minute's margin for clocks).</summary>
    public static readonly TimeSpan SettledAfter = TimeSpan.FromMinutes(2);

    /// <summary>Where walks over the days keep how far they got; sorts after every day partition.</summary>
    private const string CursorPartition = "cursors";

    private readonly TableClient _table = clients.Table(TableNames.OutcomeLog);

    /// <summary>Writes the events' log rows at <paramref name="loggedAt"/>: one entity-group transaction per day and 100 events.</summary>
    public async Task AppendAsync(IReadOnlyCollection<OutboxEvent> events, DateTimeOffset loggedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(AppendTimeLimit);
        var rows = events.Select(e => (Position: OutcomeLogPosition.Of(e, loggedAt), Event: e)).DistinctBy(r => r.Position.RowKey, StringComparer.Ordinal);
        foreach (var day in rows.GroupBy(r => r.Position.Day, StringComparer.Ordinal))
        {
            foreach (var chunk in day.Chunk(OutboxStore.MaxBatchOperations))
            {
                var actions = chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(day.Key, r.Position.RowKey)
                {
                    ["EventType"] = r.Event.EventType,
                    ["PayloadJson"] = PropertyLimits.EnsureFits(r.Event.PayloadJson, nameof(r.Event.PayloadJson)),
                }));
                await _table.SubmitTransactionAsync(actions, limit.Token).ConfigureAwait(false);
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
        for (var day = after.LoggedAt.UtcDateTime.Date; day <= until.UtcDateTime.Date && payloads.Count < limit; day = day.AddDays(1))
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

        // A page that is not full has served every event before the end.
        return new OutcomeLogPage(payloads, payloads.Count < limit && string.CompareOrdinal(end.RowKey, next.RowKey) > 0 ? end : next);
    }

    /// <summary>
    /// Hands <paramref name="finished"/> the transactions whose final outcome was logged on each day after the one
    /// <paramref name="walk"/> last finished, up to the day before <paramref name="before"/>'s (a new walk starts at the
    /// oldest day kept), a day at a time, and records each day done in the walk's cursor row. One query per day's
    /// partition, never a scan; a walk stopped mid-day does that day again next time.
    /// </summary>
    /// <returns>How many transactions were handed over.</returns>
    public async Task<int> WalkFinishedDaysAsync(
        string walk, DateTimeOffset before, Func<IReadOnlyList<string>, CancellationToken, Task> finished, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(walk);
        ArgumentNullException.ThrowIfNull(finished);
        var end = OutcomeLogPosition.Before(before).Day;
        var cursor = await _table.GetEntityIfExistsAsync<TableEntity>(CursorPartition, walk, cancellationToken: cancellationToken).ConfigureAwait(false);
        var first = cursor.HasValue ? NextDay(cursor.Value!.GetString("DoneThrough")) : await OldestDayAsync(cancellationToken).ConfigureAwait(false);
        var handed = 0;
        for (var day = first; day is not null && string.CompareOrdinal(day, end) < 0; day = NextDay(day))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {day} and EventType ne {Transactions.Contracts.OutcomeEventTypes.OrderUpdated}");
            await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: OutboxStore.MaxBatchOperations, select: ["RowKey"], cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
            {
                var transactions = page.Values.Select(r => TransactionOf(r.RowKey)).Distinct(StringComparer.Ordinal).ToList();
                await finished(transactions, cancellationToken).ConfigureAwait(false);
                handed += transactions.Count;
            }

            await _table.UpsertEntityAsync(new TableEntity(CursorPartition, walk) { ["DoneThrough"] = day }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }

        return handed;
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
                    .Select(r => TransactionOf(r.RowKey))
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

    /// <summary>The oldest day partition in the log (day partitions are digits, which sort before the cursors' partition); null when it is empty.</summary>
    private async Task<string?> OldestDayAsync(CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {"0"} and PartitionKey lt {CursorPartition}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return row.PartitionKey;
        }

        return null;
    }

    private static string NextDay(string day) =>
        DateTime.ParseExact(day, "yyyyMMdd", CultureInfo.InvariantCulture).AddDays(1).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string TransactionOf(string rowKey) =>
        (OutcomeLogPosition.TryParseRowKey(rowKey) ?? throw new InvalidDataException($"Outcome log row key '{rowKey}' is malformed.")).Tail.Split('|')[0];
}
