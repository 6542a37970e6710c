using System.Diagnostics;
using System.Net.Http.Headers;
using Azure.Data.Tables;
using Bench.Hosting;
using Gateway.Simulator;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TestSupport;
using Transactions.Storage;
using Transactions.Tracking;

namespace Bench.Measures;

/// <summary>What one tracked basket cost: storage requests by operation, the task hub's by kind, and Gateway calls by API.</summary>
/// <param name="Operations">The app's own storage requests of the whole flow (background work excluded), by operation, in first-seen order.</param>
/// <param name="StateVersions">The tracker state's version when the outcome was published: one per state change.</param>
/// <param name="DurableOperations">The durable runtime's storage requests in the same window (background excluded), by kind.</param>
/// <param name="DurableBackground">Durable idle polls and partition lease requests in the window, not counted above.</param>
/// <param name="HistoryRows">Rows of the orchestration's history when it completed; <paramref name="RowsAfterPurge"/>: its History and Instances rows after a purge.</param>
/// <param name="AppRows">Rows the finished transaction keeps in the app's tables; <paramref name="AppRowsAfterRetention"/>: after the retention run past its keep period.</param>
public sealed record BasketCost(
    IReadOnlyList<(string Operation, int Count)> Operations,
    int Writes,
    int StateRowWrites,
    long StateVersions,
    int Background,
    IReadOnlyList<(string Kind, int Count)> DurableOperations,
    int DurableBackground,
    IReadOnlyDictionary<string, int> GatewayCalls,
    TimeSpan RealTime,
    int HistoryRows,
    int RowsAfterPurge,
    int AppRows,
    int AppRowsAfterRetention)
{
    public int AppTotal => Operations.Sum(o => o.Count);

    public int DurableTotal => DurableOperations.Sum(o => o.Count);

    public int Total => AppTotal + DurableTotal;
}

/// <summary>The storage requests sent while one signed webhook was being acknowledged (from the POST to its 2xx), the app's and the task hub's.</summary>
public sealed record AcknowledgementCost(IReadOnlyList<(string Request, bool IsWrite)> Requests)
{
    public int Writes => Requests.Count(r => r.IsWrite);
}

/// <summary>Measure 2 for one set of task hub settings: the baskets, the idle host, the webhook acknowledgements.</summary>
public sealed record SettingsCost(DurableSettings Settings, IReadOnlyList<BasketCost> Runs, double IdleAppPerMinute, double IdleDurablePerMinute, IReadOnlyList<AcknowledgementCost> Acknowledgements)
{
    /// <summary>The run with the median total: the one whose breakdown is shown.</summary>
    public BasketCost Median => Runs.OrderBy(r => r.Total).ElementAt(Runs.Count / 2);

    public double IdlePerMinute => IdleAppPerMinute + IdleDurablePerMinute;
}

/// <summary>The app on its deployed task hub settings against Durable's defaults, measured in turn in the same run.</summary>
public sealed record TransactionCostResult(SettingsCost App, SettingsCost Defaults, TimeSpan IdleWindow)
{
    public double BasketRatio => (double)App.Median.Total / Defaults.Median.Total;

    public double IdleRatio => App.IdlePerMinute / Defaults.IdlePerMinute;
}

/// <summary>
/// Measures 2 and 3: a 3-stock market-order basket created through the app, confirmed in the simulator's SDK flow in
/// market hours, tracked over its placed and completed webhooks and the confirming order-details read until the
/// outcome is published; every storage request (the app's and its task hub's) and Gateway call in that window is
/// counted. Two hosts run side by side on the same Azurite, one on the deployed task hub settings and one on Durable's
/// defaults, and the runs alternate between them. Then both sit idle for the same window, and each acknowledges a few
/// webhooks one at a time on a quiet system.
/// </summary>
public static class TransactionCost
{
    public const string Basket = """
        [{"ticker":"RELIANCE","quantity":2,"type":"BUY"},{"ticker":"ITC","quantity":5,"type":"SELL"},{"ticker":"NIFTYBEES","quantity":10,"type":"BUY"}]
        """;

    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static async Task<TransactionCostResult> RunAsync(AzuriteFixture azurite, int runs, int acknowledgements, TimeSpan idleWindow, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var deployed = DurableSettings.AsDeployed();
        await using var app = await StartAsync(azurite, "benchcost", deployed, cancellationToken);
        await using var defaults = await StartAsync(azurite, "benchdefault", DurableSettings.Defaults, cancellationToken);
        var hosts = new[] { (Settings: deployed, Host: app, Runs: new List<BasketCost>()), (Settings: DurableSettings.Defaults, Host: defaults, Runs: new List<BasketCost>()) };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        for (var run = 1; run <= runs; run++)
        {
            foreach (var (settings, host, results) in hosts)
            {
                await WaitForQuietAsync(host, cancellationToken);
                var basket = await RunOnceAsync(host, http, $"cost-user-{run}", cancellationToken);
                log($"  {settings.Name}, run {run}: {basket.Total} requests ({basket.AppTotal} app + {basket.DurableTotal} task hub), {basket.RealTime.TotalSeconds:0.0} s");
                results.Add(basket);
            }
        }

        log($"  both hosts idle for {idleWindow.TotalSeconds:0} s...");
        var marks = hosts.Select(h => (h.Host.Storage.Count, h.Host.Durable.Count)).ToArray();
        await Task.Delay(idleWindow, cancellationToken);
        var perMinute = TimeSpan.FromMinutes(1) / idleWindow;

        var costs = new List<SettingsCost>();
        for (var i = 0; i < hosts.Length; i++)
        {
            var (settings, host, results) = hosts[i];
            var idleApp = (host.Storage.Count - marks[i].Item1) * perMinute;
            var idleDurable = (host.Durable.Count - marks[i].Item2) * perMinute;
            var acks = await AcknowledgementsAsync(host, http, acknowledgements, cancellationToken);
            log($"  {settings.Name}: idle {idleApp + idleDurable:0} requests/min; acknowledgement writes {string.Join(", ", acks.Select(a => a.Writes))}");
            costs.Add(new SettingsCost(settings, results, idleApp, idleDurable, acks));
        }

        return new TransactionCostResult(costs[0], costs[1], idleWindow);
    }

    private static Task<InProcessApp> StartAsync(AzuriteFixture azurite, string namePrefix, DurableSettings durable, CancellationToken cancellationToken)
    {
        // Production timings except the settle delay before the confirming read (15 s), which only changes when it happens.
        var settings = new Dictionary<string, string?>(durable.AsConfiguration()) { ["Tracker:ConfirmDelay"] = "00:00:01" };
        return InProcessApp.StartAsync(azurite, namePrefix, settings, new SimulatorOptions { ClockStart = InProcessApp.MarketHours }, cancellationToken);
    }

    private static async Task<BasketCost> RunOnceAsync(InProcessApp app, HttpClient http, string userId, CancellationToken cancellationToken)
    {
        var storageMark = app.Storage.Count;
        var durableMark = app.Durable.Count;
        var gatewayMark = app.Gateway.Count;
        var started = Stopwatch.GetTimestamp();

        var created = await app.CreateTransactionAsync(http, userId, Basket, cancellationToken);
        await app.CompleteSdkFlowAsync(http, created, cancellationToken);
        var final = await WaitForPublishedOutcomeAsync(app.Probe, created.TransactionId, cancellationToken);
        if (final.Phase != TrackerPhase.Completed)
        {
            throw new InvalidOperationException($"The basket ended {final.Phase}, not Completed.");
        }

        await WaitForQuietAsync(app, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started) - Quiet;
        var durable = app.Durable.Since(durableMark);
        var requests = app.Storage.Since(storageMark);
        var counted = requests.Where(r => !r.IsBackground).ToList();
        var gatewayCalls = app.Gateway.Since(gatewayMark);
        var historyRows = await CountRowsAsync(app, "History", created.TransactionId, cancellationToken);
        await app.Services.GetRequiredService<DurableTaskClient>().PurgeInstanceAsync(created.TransactionId, cancellationToken);
        var afterPurge = await CountRowsAsync(app, "History", created.TransactionId, cancellationToken) + await CountRowsAsync(app, "Instances", created.TransactionId, cancellationToken);
        var appRows = await CountAppRowsAsync(app, userId, created.TransactionId, cancellationToken);
        var retention = ActivatorUtilities.CreateInstance<FunctionApp.Tracking.RetentionFunction>(
            app.Services, (TimeProvider)new FakeTimeProvider(app.Simulator.Clock.GetUtcNow() + app.Services.GetRequiredService<FunctionApp.Tracking.TrackingMaintenance>().KeepFinishedFor + TimeSpan.FromDays(1)));
        await retention.RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), cancellationToken);
        var appRowsAfterRetention = await CountAppRowsAsync(app, userId, created.TransactionId, cancellationToken);
        return new BasketCost(
            [.. counted.GroupBy(r => r.Operation, StringComparer.Ordinal).Select(g => (g.Key, g.Count()))],
            counted.Count(r => r.IsWrite),
            counted.Count(r => r.WritesTransactionRow),
            final.Version,
            requests.Count - counted.Count,
            [.. durable.Where(r => !r.IsBackground).GroupBy(r => r.Kind, StringComparer.Ordinal).Select(g => (g.Key, g.Count()))],
            durable.Count(r => r.IsBackground),
            gatewayCalls,
            elapsed,
            historyRows,
            afterPurge,
            appRows,
            appRowsAfterRetention);
    }

    /// <summary>
    /// The rows one transaction keeps in the app's tables: its partition (row and outbox), its index row, its notes
    /// reference, its idempotency record and its outcome log rows. Scans what it must: the bench's tables are small.
    /// </summary>
    private static async Task<int> CountAppRowsAsync(InProcessApp app, string userId, string transactionId, CancellationToken cancellationToken)
    {
        var clients = app.Services.GetRequiredService<StorageClients>();
        var record = (await app.Probe.GetAsync(transactionId, cancellationToken))?.Record;
        var rows = 0;
        foreach (var (table, filter) in new[]
        {
            (TableNames.Transactions, TableClient.CreateQueryFilter($"PartitionKey eq {transactionId}")),
            (TableNames.UserTransactions, TableClient.CreateQueryFilter($"PartitionKey eq {userId}")),
            (TableNames.NotesRefs, TableClient.CreateQueryFilter($"PartitionKey eq {record?.NotesRef ?? string.Empty}")),
            (TableNames.IdempotencyRecords, TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey eq {record?.IdempotencyKey ?? string.Empty}")),
            (TableNames.OutcomeLog, string.Empty),
        })
        {
            await foreach (var row in clients.Table(table).QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                rows += table == TableNames.UserTransactions || table == TableNames.OutcomeLog ? (row.RowKey.Contains(transactionId, StringComparison.Ordinal) ? 1 : 0) : 1;
            }
        }

        return rows;
    }

    /// <summary>
    /// Creates a transaction (left unconfirmed: its tracking waits for signals), then posts signed webhooks for it one at
    /// a time, each on a quiet system, recording the storage requests sent until its 2xx came back. The tracking's own
    /// reaction starts after the signal's queue message is sent, so it shows up here only as reads, if at all.
    /// </summary>
    private static async Task<IReadOnlyList<AcknowledgementCost>> AcknowledgementsAsync(InProcessApp app, HttpClient http, int count, CancellationToken cancellationToken)
    {
        var created = await app.CreateTransactionAsync(http, "ack-user", Basket, cancellationToken);
        var notes = app.Simulator.Simulation.GetTruth(created.TransactionId)?.Notes
            ?? throw new InvalidOperationException($"The simulator does not know {created.TransactionId}.");
        var bodies = new WebhookBodies([new WebhookTarget(created.TransactionId, notes, WebhookBodies.NewAuthId())], InProcessApp.ApiSecret, app.Simulator.Clock);
        var webhookUri = new Uri(app.BaseUri, $"/api/{InProcessApp.WebhookRoute}");
        var results = new List<AcknowledgementCost>();
        for (var i = 0; i < count; i++)
        {
            await WaitForQuietAsync(app, cancellationToken);
            var (storageMark, durableMark) = (app.Storage.Count, app.Durable.Count);
            using var content = new ByteArrayContent(bodies.Body(i));
            content.Headers.ContentType = Json;
            using var response = await http.PostAsync(webhookUri, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Webhook {i} was refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            results.Add(new AcknowledgementCost(
            [
                .. app.Storage.Since(storageMark).Where(r => !r.IsBackground).Select(r => ($"app: {r.Operation}", r.IsWrite)),
                .. app.Durable.Since(durableMark).Where(r => !r.IsBackground).Select(r => ($"task hub: {r.Kind}", r.IsWrite)),
            ]));
        }

        await WaitForQuietAsync(app, cancellationToken);
        return results;
    }

    /// <summary>Rows of one instance in a task hub table, read with a client of the bench's own (not counted).</summary>
    private static async Task<int> CountRowsAsync(InProcessApp app, string table, string instanceId, CancellationToken cancellationToken)
    {
        var client = new TableClient(app.StorageConnectionString, app.TaskHub + table);
        var rows = 0;
        await foreach (var _ in client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}"), select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            rows++;
        }

        return rows;
    }

    private static async Task<TrackedTransaction> WaitForPublishedOutcomeAsync(TransactionStore probe, string transactionId, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Deadline.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (await probe.GetAsync(transactionId, cancellationToken) is { } stored)
            {
                var state = TrackerStateJson.Deserialize(stored.Record.StateJson);
                if (state.Phase.IsTerminal())
                {
                    return state;
                }
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"Transaction {transactionId} did not reach a published final outcome within {Deadline.TotalMinutes:0} min.");
    }

    /// <summary>
    /// Waits until neither the app nor its durable runtime has sent a storage request other than background work (idle
    /// polls, sweeps, partition leases) for <see cref="Quiet"/>.
    /// </summary>
    internal static async Task WaitForQuietAsync(InProcessApp app, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Deadline.TotalSeconds * Stopwatch.Frequency);
        var (appMark, durableMark) = (app.Storage.Count, app.Durable.Count);
        var quietSince = Stopwatch.GetTimestamp();
        while (Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(100, cancellationToken);
            var (appRecent, durableRecent) = (app.Storage.Since(appMark), app.Durable.Since(durableMark));
            (appMark, durableMark) = (appMark + appRecent.Count, durableMark + durableRecent.Count);
            if (appRecent.Any(r => !r.IsBackground) || durableRecent.Any(r => !r.IsBackground))
            {
                quietSince = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(quietSince) >= Quiet)
            {
                return;
            }
        }

        throw new TimeoutException($"The app kept sending storage requests for {Deadline.TotalMinutes:0} min.");
    }
}
