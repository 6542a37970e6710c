using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Bench.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Storage;

namespace Bench.Measures;

/// <summary>
/// The rows the app wrote for one basket it tracked to Completed, read back as stored: its partition of
/// <c>Transactions</c> (the row and its published outbox events), its user index row, its notes reference and its
/// idempotency record. Every seeded transaction is a copy of them under its own ids and times.
/// </summary>
public sealed record SeedTemplate(TransactionRecord Record, IReadOnlyList<TableEntity> Partition, TableEntity IndexRow, TableEntity NotesRef, TableEntity Idempotency);

/// <summary>What was stored before a growth measure: finished transactions, their users, the heavy user's share, their outbox events.</summary>
public sealed record SeedResult(int Transactions, int Users, int HeavyUserTransactions, int OutboxEvents, TimeSpan Took);

/// <summary>
/// Stores finished transactions as the app writes them, fast: copies of the rows the app wrote for a basket it tracked
/// (<see cref="SeedTemplate"/>), each under a new transaction id, user, notes reference and idempotency key, its times
/// shifted to its own creation time; its outcome log rows appended through the app's <see cref="OutcomeLogStore"/>.
/// Entity-group transactions where rows share a partition (a transaction's row and events, a user's index rows and
/// idempotency records, a day of the log), in parallel, on clients of the bench's own: none of it is counted.
/// Creation times spread evenly over the 30 days before the app's clock; one user per 10 transactions, and one heavy
/// user holding a fixed number of them.
/// </summary>
public static class GrowthSeed
{
    public const string HeavyUser = "growth-heavy-user";

    private const int Parallelism = 16;
    private const int MaxBatch = OutboxStore.MaxBatchOperations;
    private static readonly TimeSpan Spread = TimeSpan.FromDays(30);
    private static readonly string[] SystemProperties = ["PartitionKey", "RowKey", "Timestamp", "odata.etag"];

    public static async Task<SeedTemplate> TemplateAsync(InProcessApp app, string transactionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        var record = (await app.Probe.GetAsync(transactionId, cancellationToken))?.Record
            ?? throw new InvalidOperationException($"Transaction {transactionId} is not stored.");
        var partition = await QueryAsync(app, TableNames.Transactions, TableClient.CreateQueryFilter($"PartitionKey eq {transactionId}"), cancellationToken);
        var index = await QueryAsync(app, TableNames.UserTransactions, TableClient.CreateQueryFilter($"PartitionKey eq {record.UserId}"), cancellationToken);
        var notesRef = await QueryAsync(app, TableNames.NotesRefs, TableClient.CreateQueryFilter($"PartitionKey eq {record.NotesRef}"), cancellationToken);
        var idempotency = await QueryAsync(app, TableNames.IdempotencyRecords, TableClient.CreateQueryFilter($"PartitionKey eq {record.UserId} and RowKey eq {record.IdempotencyKey}"), cancellationToken);
        if (partition.Count < 2 || partition.Any(r => r.GetBoolean("Published") == false))
        {
            throw new InvalidOperationException($"Transaction {transactionId} has no published events.");
        }

        return new SeedTemplate(record, partition, index.Single(r => r.RowKey.EndsWith("_" + transactionId, StringComparison.Ordinal)), notesRef.Single(), idempotency.Single());
    }

    /// <summary>Creates the app's tables under <paramref name="namePrefix"/> and stores the transactions, created in the 30 days before <paramref name="now"/>.</summary>
    public static async Task<SeedResult> SeedAsync(
        string connectionString, string namePrefix, SeedTemplate template, DateTimeOffset now, int transactions, int heavyUserTransactions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        var started = Stopwatch.GetTimestamp();
        var clients = new StorageClients(new StorageOptions { ConnectionString = connectionString, NamePrefix = namePrefix });
        foreach (var table in TableNames.All)
        {
            await clients.Table(table).CreateIfNotExistsAsync(cancellationToken);
        }

        var users = Math.Max(1, (transactions - heavyUserTransactions) / 10);
        var oldest = now - Spread;
        var copies = Enumerable.Range(0, transactions).Select(i =>
        {
            // The heavy user's transactions are spread evenly among the others, so its list spans the 30 days like everyone's.
            var heavy = (long)i * heavyUserTransactions / transactions != (long)(i + 1) * heavyUserTransactions / transactions;
            return Copy(template, heavy ? HeavyUser : $"growth-user-{i % users}", oldest + Spread * ((i + 0.5) / transactions));
        }).ToList();

        var options = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
        var (partitions, notesRefs) = (clients.Table(TableNames.Transactions), clients.Table(TableNames.NotesRefs));
        await Parallel.ForEachAsync(copies, options, async (copy, ct) =>
        {
            await partitions.SubmitTransactionAsync(copy.Partition.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), ct);
            await notesRefs.AddEntityAsync(copy.NotesRef, ct);
        });
        var perUser = copies.SelectMany(c => new[] { (Table: TableNames.UserTransactions, Row: c.IndexRow), (Table: TableNames.IdempotencyRecords, Row: c.Idempotency) })
            .GroupBy(r => (r.Table, r.Row.PartitionKey))
            .SelectMany(g => g.Chunk(MaxBatch).Select(chunk => (g.Key.Table, Rows: chunk.Select(r => r.Row))));
        await Parallel.ForEachAsync(perUser, options, async (batch, ct) =>
            await clients.Table(batch.Table).SubmitTransactionAsync(batch.Rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), ct));

        // Logged an hour at a time (one entity-group transaction per 100 events), as of the hour's last event; hours go in parallel.
        var log = new OutcomeLogStore(clients);
        var events = copies.SelectMany(c => c.Partition.Where(r => r.GetString("EventId") is not null).Select(ToEvent)).ToList();
        var hours = events.GroupBy(e => e.CreatedAt.UtcTicks / TimeSpan.TicksPerHour);
        await Parallel.ForEachAsync(hours, options, (hour, ct) => new ValueTask(log.AppendAsync([.. hour], hour.Max(e => e.CreatedAt), ct)));
        return new SeedResult(transactions, users + 1, heavyUserTransactions, events.Count, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The template's rows for a new transaction of <paramref name="userId"/> created at <paramref name="createdAt"/>.</summary>
    private static SeededRows Copy(SeedTemplate template, string userId, DateTimeOffset createdAt)
    {
        var old = template.Record;
        var shift = createdAt - old.CreatedAt;
        var transactionId = "TRX_" + Guid.NewGuid().ToString("N");
        var replacements = new (string Old, string New)[]
        {
            (old.TransactionId, transactionId),
            (old.UserId, userId),
            (old.NotesRef, NotesRefStore.NewReference()),
            (old.IdempotencyKey!, Guid.NewGuid().ToString("N")),
        };

        string Replace(string text) => replacements.Aggregate(text, (current, r) => current.Replace(r.Old, r.New, StringComparison.Ordinal));
        TableEntity Rewrite(TableEntity row, string? rowKey = null)
        {
            var copy = new TableEntity(Replace(row.PartitionKey), rowKey ?? Replace(row.RowKey));
            foreach (var (name, value) in row.Where(p => !SystemProperties.Contains(p.Key)))
            {
                copy[name] = value switch
                {
                    string text => Replace(text),
                    DateTimeOffset time => time + shift,
                    _ => value,
                };
            }

            return copy;
        }

        // The index row key: inverted creation ticks, '_' and the transaction id (UserIndexKeys), so the newest lists first.
        var indexKey = (DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "_" + transactionId;
        return new SeededRows([.. template.Partition.Select(r => Rewrite(r))], Rewrite(template.IndexRow, indexKey), Rewrite(template.NotesRef), Rewrite(template.Idempotency));
    }

    private static OutboxEvent ToEvent(TableEntity row) => new(
        row.GetString("TransactionId"), row.GetInt64("StateVersion") ?? 0, row.GetString("EventId"), row.GetString("EventType"), row.GetString("PayloadJson"),
        row.GetDateTimeOffset("CreatedAt")!.Value, row.GetDateTimeOffset("PublishedAt"));

    private static async Task<List<TableEntity>> QueryAsync(InProcessApp app, string table, string filter, CancellationToken cancellationToken)
    {
        var client = new TableClient(app.StorageConnectionString, app.Services.GetRequiredService<StorageClients>().NamePrefix + table);
        var rows = new List<TableEntity>();
        await foreach (var row in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private sealed record SeededRows(IReadOnlyList<TableEntity> Partition, TableEntity IndexRow, TableEntity NotesRef, TableEntity Idempotency);
}
