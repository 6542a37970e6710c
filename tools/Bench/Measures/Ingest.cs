using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Bench.Hosting;
using Bench.Load;
using Gateway.Simulator;
using Gateway.Simulator.Hosting;
using TestSupport;
using Transactions.Storage;

namespace Bench.Measures;

public sealed record IngestSettings(int Transactions, int Concurrency, TimeSpan Warmup, TimeSpan Duration, TimeSpan LatencyDuration, TimeSpan DrainTimeout);

/// <summary>CPU milliseconds per successful operation of a max-rate run, by process: where the time goes.</summary>
public sealed record CpuPerOperation(double AppMs, double AzuriteMs, double ClientMs);

/// <summary>One way of running the app, measured between two baseline runs on a fresh Azurite of its own.</summary>
/// <param name="Latency">Null when the open-loop run was skipped (the standalone tracker still had a backlog).</param>
/// <param name="BaselineLatency">Single inserts open-loop at the same rate: the latency floor of the same Azurite.</param>
/// <param name="Drained">How long the tracker took to work off the max-rate run's webhooks (standalone only); null when it did not within the timeout.</param>
public sealed record IngestModeResult(
    string Mode,
    bool TrackerInProcess,
    LoadResult BaselineBefore,
    CpuPerOperation BaselineBeforeCpu,
    LoadResult Max,
    CpuPerOperation MaxCpu,
    LoadResult BaselineAfter,
    CpuPerOperation BaselineAfterCpu,
    double LatencyRate,
    LoadResult? Latency,
    LoadResult? BaselineLatency,
    long IdleWorkingSetBytes,
    long PeakWorkingSetBytes,
    TimeSpan? Drained)
{
    /// <summary>The baseline rate: the mean of the runs before and after the app's, which bracket any drift.</summary>
    public double BaselineRate => (BaselineBefore.Rate + BaselineAfter.Rate) / 2;

    public double Ratio => Max.Rate / BaselineRate;
}

public sealed record IngestResult(IngestSettings Settings, IReadOnlyList<IngestModeResult> Modes);

/// <summary>
/// Measures 1 and 5. The published function app runs as its own process (so its working set is its own) against an
/// Azurite and a Gateway simulator of the bench. A few hundred transactions are created through the app first; then
/// signed webhooks for them, each with a new timestamp, are posted at a fixed concurrency (max rate) and open-loop at
/// half that rate (acknowledgement latency). The baseline is the same Azure SDK TableClient inserting an inbox-shaped
/// entity (same body bytes, SHA-256 row key) at the same concurrency into the same Azurite, before and after the app.
/// Each mode gets a fresh Azurite: what one mode leaves in storage must not slow the next.
/// </summary>
public static class Ingest
{
    private const string BaselineTable = "benchbaselineinserts";
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static async Task<IngestResult> RunAsync(string executable, IngestSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);

        // The app process keeps the real time (it has no simulator clock), so the simulator does too: the tokens the
        // app mints must be valid on the simulator's clock. No order is placed here, so market hours do not matter.
        await using var simulator = await SimulatorHost.StartAsync(
            new SimulatorOptions { Secret = InProcessApp.Secret, ApiSecret = InProcessApp.ApiSecret }, cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };

        var modes = new List<IngestModeResult>();
        foreach (var trackerInProcess in new[] { false, true })
        {
            var azurite = new AzuriteFixture();
            await azurite.InitializeAsync();
            try
            {
                modes.Add(await RunModeAsync(azurite, executable, simulator, http, trackerInProcess, settings, log, cancellationToken));
            }
            finally
            {
                await azurite.DisposeAsync();
            }
        }

        return new IngestResult(settings, modes);
    }

    private static async Task<IngestModeResult> RunModeAsync(
        AzuriteFixture azurite, string executable, RunningSimulator simulator, HttpClient http, bool trackerInProcess, IngestSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var mode = trackerInProcess ? "standalone (tracker in the process)" : "custom handler (HTTP only, as deployed)";
        var table = new TableClient(azurite.ConnectionString, BaselineTable);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var baselineBodies = new WebhookBodies([.. Enumerable.Range(0, settings.Transactions).Select(_ => NewTarget())], InProcessApp.ApiSecret);
        LoadOperation insert = async (sequence, ct) =>
        {
            var body = baselineBodies.Body(sequence);
            var entity = new TableEntity(FakeTransactionId(sequence % settings.Transactions), WebhookInbox.DedupeKey(body))
            {
                ["TransactionId"] = "TRX_baseline",
                ["Body"] = body,
                ["ReceivedAt"] = DateTimeOffset.UtcNow,
                ["Processed"] = false,
            };
            await table.AddEntityAsync(entity, ct);
            return true;
        };

        log($"  {mode}: baseline Table inserts (before)...");
        var (before, beforeCpu) = await MaxRateAsync(insert, settings, app: null, cancellationToken);
        log($"    {before.Rate:0} inserts/s");

        var prefix = trackerInProcess ? "benchingeststd" : "benchingestch";
        var port = FreePort.Next();
        var environment = ProcessSettings.For(azurite, prefix, simulator.BaseUri, trackerInProcess ? null : port);
        LoadResult max;
        CpuPerOperation maxCpu;
        LoadResult? latency = null;
        LoadResult? baselineLatency = null;
        TimeSpan? drained = null;
        long idle;
        long peak;
        double rate;
        await using (var app = AppProcess.Start(executable, port, environment, portFromEnvironment: !trackerInProcess))
        {
            await app.WaitHealthyAsync("/api/health", TimeSpan.FromSeconds(60), cancellationToken);
            log($"  {mode}: creating {settings.Transactions} transactions through the app...");
            var targets = await CreateTargetsAsync(http, app.BaseUri, simulator, settings.Transactions, cancellationToken);
            idle = app.PeakWorkingSet;
            var bodies = new WebhookBodies(targets, InProcessApp.ApiSecret);
            var webhookUri = new Uri(app.BaseUri, $"/api/{InProcessApp.WebhookRoute}");
            LoadOperation post = async (sequence, ct) =>
            {
                using var content = new ByteArrayContent(bodies.Body(sequence));
                content.Headers.ContentType = Json;
                using var response = await http.PostAsync(webhookUri, content, ct);
                return response.IsSuccessStatusCode;
            };

            log($"  {mode}: webhooks at concurrency {settings.Concurrency} for {settings.Duration.TotalSeconds:0} s...");
            (max, maxCpu) = await MaxRateAsync(post, settings, app, cancellationToken);
            log($"    {max.Rate:0} webhooks/s ({max.Failed} failed)");
            rate = Math.Max(1, max.Rate / 2);

            var ready = true;
            var trackerEvents = new QueueClient(azurite.ConnectionString, prefix + QueueNames.TrackerEvents);
            if (trackerInProcess)
            {
                log($"  {mode}: waiting for the tracker to work off the webhooks (at most {settings.DrainTimeout.TotalSeconds:0} s)...");
                drained = await WaitForEmptyQueueAsync(trackerEvents, settings.DrainTimeout, cancellationToken);
                ready = drained is not null;
            }
            else
            {
                // Deployed, the Functions host consumes this queue; here nothing does, and Azurite's queue sends slow
                // down as a queue grows to tens of thousands of messages. Clear it, as the consumer would have.
                await trackerEvents.ClearMessagesAsync(cancellationToken);
            }

            if (ready)
            {
                log($"  {mode}: open loop at {rate:0}/s for {settings.LatencyDuration.TotalSeconds:0} s, then single inserts at the same rate...");
                latency = await LoadRuns.OpenLoopAsync(rate, settings.LatencyDuration, maxInFlight: 1024, post, cancellationToken);
                baselineLatency = await LoadRuns.OpenLoopAsync(rate, settings.LatencyDuration, maxInFlight: 1024, insert, cancellationToken);
                log($"    p50 {latency.Percentile(50):0.0} ms, p99 {latency.Percentile(99):0.0} ms (inserts: p50 {baselineLatency.Percentile(50):0.0} ms, p99 {baselineLatency.Percentile(99):0.0} ms)");
            }

            peak = app.PeakWorkingSet;
        }

        log($"  {mode}: baseline Table inserts (after)...");
        var (after, afterCpu) = await MaxRateAsync(insert, settings, app: null, cancellationToken);
        log($"    {after.Rate:0} inserts/s");
        return new IngestModeResult(mode, trackerInProcess, before, beforeCpu, max, maxCpu, after, afterCpu, rate, latency, baselineLatency, idle, peak, drained);
    }

    /// <summary>A warm-up, then the measured closed-loop run, with the CPU time each process spent on it.</summary>
    private static async Task<(LoadResult Result, CpuPerOperation Cpu)> MaxRateAsync(
        LoadOperation operation, IngestSettings settings, AppProcess? app, CancellationToken cancellationToken)
    {
        await LoadRuns.ClosedLoopAsync(settings.Concurrency, settings.Warmup, operation, cancellationToken);
        using var bench = Process.GetCurrentProcess();
        var (appBefore, azuriteBefore, clientBefore) = (app?.CpuTime ?? TimeSpan.Zero, ChildProcesses.CpuTime("node"), bench.TotalProcessorTime);
        var result = await LoadRuns.ClosedLoopAsync(settings.Concurrency, settings.Duration, operation, cancellationToken);
        bench.Refresh();
        var perOperation = Math.Max(1, result.Succeeded);
        var cpu = new CpuPerOperation(
            ((app?.CpuTime ?? TimeSpan.Zero) - appBefore).TotalMilliseconds / perOperation,
            (ChildProcesses.CpuTime("node") - azuriteBefore).TotalMilliseconds / perOperation,
            (bench.TotalProcessorTime - clientBefore).TotalMilliseconds / perOperation);
        return (result, cpu);
    }

    /// <summary>Creates the transactions through the app (8 at a time, 20 users); the notes each carries come from the simulator.</summary>
    private static async Task<IReadOnlyList<WebhookTarget>> CreateTargetsAsync(HttpClient http, Uri app, RunningSimulator simulator, int count, CancellationToken cancellationToken)
    {
        var targets = new WebhookTarget[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var created = await AppCalls.CreateTransactionAsync(http, app, $"ingest-user-{i % 20}", TransactionCost.Basket, ct);
            var notes = simulator.Simulation.GetTruth(created.TransactionId)?.Notes
                ?? throw new InvalidOperationException($"The simulator does not know {created.TransactionId}.");
            targets[i] = new WebhookTarget(created.TransactionId, notes, WebhookBodies.NewAuthId());
        });
        return targets;
    }

    private static async Task<TimeSpan?> WaitForEmptyQueueAsync(QueueClient queue, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            var properties = await queue.GetPropertiesAsync(cancellationToken);
            if (properties.Value.ApproximateMessagesCount == 0)
            {
                return Stopwatch.GetElapsedTime(started);
            }

            await Task.Delay(500, cancellationToken);
        }

        return null;
    }

    private static WebhookTarget NewTarget() =>
        new(FakeTransactionId(RandomNumberGenerator.GetInt32(int.MaxValue)), "ref_baseline", WebhookBodies.NewAuthId());

    private static string FakeTransactionId(long n) => $"TRX_{n:x32}";
}
