using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Bench.Hosting;
using Bench.Load;
using FunctionApp.Tracking;
using Gateway.Client.Json;
using Gateway.Client.Webhooks;
using Gateway.Simulator.Hosting;
using Gateway.Simulator;
using TestSupport;
using Transactions.Orchestration;
using Transactions.Storage;

namespace Bench.Measures;

/// <param name="Rounds">Alternating app and baseline runs per mode: each figure is their median, with the range.</param>
public sealed record IngestSettings(int Transactions, int Concurrency, TimeSpan Warmup, TimeSpan Duration, TimeSpan LatencyDuration, int Rounds = 3);

/// <summary>CPU milliseconds per successful operation of a max-rate run, by process: where the time goes.</summary>
public sealed record CpuPerOperation(double AppMs, double AzuriteMs, double ClientMs);

/// <summary>
/// One max-rate round of a mode: on a fresh Azurite, baseline inserts, the app, baseline inserts again; then raw sends
/// of the message the app writes per hit on a fresh Azurite of their own.
/// </summary>
public sealed record IngestRound(
    LoadResult Before, CpuPerOperation BeforeCpu, LoadResult App, CpuPerOperation AppCpu, LoadResult After, CpuPerOperation AfterCpu,
    LoadResult Sends, CpuPerOperation SendsCpu, long IdleBytes, long PeakBytes)
{
    /// <summary>The mean of the runs before and after the app's, which bracket any drift.</summary>
    public double BaselineRate => (Before.Rate + After.Rate) / 2;
}

/// <summary>One latency round: on a fresh Azurite and app process, the app open-loop, then single inserts at the same rate.</summary>
public sealed record LatencyRound(LoadResult App, LoadResult Inserts, long PeakBytes);

/// <summary>One way of running the app: its max-rate rounds, then its latency rounds at half its median max rate.</summary>
public sealed record IngestModeResult(string Mode, IReadOnlyList<IngestRound> Rounds, double LatencyRate, IReadOnlyList<LatencyRound> LatencyRounds)
{
    public Spread Rate => Spread.Of(Rounds.Select(r => r.App.Rate));

    public Spread BaselineRate => Spread.Of(Rounds.Select(r => r.BaselineRate));

    public Spread Ratio => Spread.Of(Rounds.Select(r => r.App.Rate / r.BaselineRate));

    public Spread SendsRate => Spread.Of(Rounds.Select(r => r.Sends.Rate));

    /// <summary>The app's rate against raw sends of the message it writes per hit: the cost of everything but the write.</summary>
    public Spread QueueRatio => Spread.Of(Rounds.Select(r => r.App.Rate / r.Sends.Rate));

    public Spread LatencyP50 => Spread.Of(LatencyRounds.Select(r => r.App.Percentile(50)));

    public Spread LatencyP99 => Spread.Of(LatencyRounds.Select(r => r.App.Percentile(99)));

    public Spread BaselineP50 => Spread.Of(LatencyRounds.Select(r => r.Inserts.Percentile(50)));

    public Spread BaselineP99 => Spread.Of(LatencyRounds.Select(r => r.Inserts.Percentile(99)));

    public long IdleWorkingSetBytes => Rounds.Max(r => r.IdleBytes);

    public long PeakWorkingSetBytes => Math.Max(Rounds.Max(r => r.PeakBytes), LatencyRounds.Max(r => r.PeakBytes));
}

public sealed record IngestResult(IngestSettings Settings, IReadOnlyList<IngestModeResult> Modes);

/// <summary>
/// Measures 1 and 5. The published function app runs as its own process (so its working set is its own) against an
/// Azurite and a Gateway simulator of the bench, in two modes: with no orchestration worker (the acknowledgement path
/// alone: the signals wait in the task hub) and with the durable tracking in the process. A few hundred transactions
/// are created through the app first; then signed webhooks for them, each with a new timestamp, are posted at a fixed
/// concurrency (max rate). The baseline is the same Azure SDK TableClient inserting an inbox-shaped entity (same body
/// bytes, SHA-256 row key) at the same concurrency into the same Azurite, before and after the app. The
/// acknowledgement latency is measured open-loop at half the median max rate on a fresh Azurite and a fresh app
/// process, then single inserts at the same rate: what the max-rate run leaves in storage (tens of thousands of rows
/// and queue messages, which slow Azurite down) must not weigh on it, nor on the next round. Every run is repeated
/// <see cref="IngestSettings.Rounds"/> times, app and baseline alternating.
/// </summary>
public static class Ingest
{
    private const string BaselineTable = "benchbaselineinserts";
    private const string BaselineQueue = "benchbaselinesends";
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
        foreach (var (mode, environment) in Modes)
        {
            var run = new ModeRun(mode, executable, environment, simulator, http, settings, log);
            var rounds = new List<IngestRound>();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                log($"  {mode}, round {round} of {settings.Rounds}:");
                var max = await OnFreshAzuriteAsync(azurite => MaxRateAsync(azurite, run, cancellationToken));
                var (sends, sendsCpu) = await OnFreshAzuriteAsync(azurite => QueueSendsAsync(azurite, mode, settings, log, cancellationToken));
                rounds.Add(new IngestRound(max.Before, max.BeforeCpu, max.App, max.AppCpu, max.After, max.AfterCpu, sends, sendsCpu, max.IdleBytes, max.PeakBytes));
            }

            var rate = Math.Max(1, Spread.Of(rounds.Select(r => r.App.Rate)).Median / 2);
            var latencies = new List<LatencyRound>();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                latencies.Add(await OnFreshAzuriteAsync(azurite => LatencyAsync(azurite, run, rate, cancellationToken)));
            }

            modes.Add(new IngestModeResult(mode, rounds, rate, latencies));
        }

        return new IngestResult(settings, modes);
    }

    /// <summary>The app with no orchestration worker (what a webhook costs to acknowledge), then with its tracking in the process.</summary>
    private static readonly IReadOnlyList<(string Mode, IReadOnlyDictionary<string, string> Environment)> Modes =
    [
        ("local host, acknowledgement path alone (no orchestration worker)", new Dictionary<string, string> { ["Durable__ProcessOrchestrations"] = "false" }),
        ("local host (durable tracking in the process)", new Dictionary<string, string>()),
    ];

    private static async Task<T> OnFreshAzuriteAsync<T>(Func<AzuriteFixture, Task<T>> measure)
    {
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        try
        {
            return await measure(azurite);
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    /// <summary>What every run of one mode shares: how the app process starts, and where the load and the log go.</summary>
    private sealed record ModeRun(
        string Mode, string Executable, IReadOnlyDictionary<string, string> Environment, RunningSimulator Simulator, HttpClient Http, IngestSettings Settings, Action<string> Log);

    private sealed record MaxRun(
        LoadResult Before, CpuPerOperation BeforeCpu, LoadResult App, CpuPerOperation AppCpu, LoadResult After, CpuPerOperation AfterCpu, long IdleBytes, long PeakBytes);

    private static async Task<MaxRun> MaxRateAsync(AzuriteFixture azurite, ModeRun run, CancellationToken cancellationToken)
    {
        var (mode, settings, log) = (run.Mode, run.Settings, run.Log);
        var insert = await InsertOperationAsync(azurite, settings, cancellationToken);
        log($"  {mode}: baseline Table inserts (before)...");
        var (before, beforeCpu) = await MaxRateAsync(insert, settings, app: null, cancellationToken);
        log($"    {before.Rate:0} inserts/s");

        LoadResult result;
        CpuPerOperation cpu;
        long idle;
        long peak;
        await using (var app = await StartAppAsync(azurite, run, cancellationToken))
        {
            var post = await PostOperationAsync(app, run, cancellationToken);
            idle = app.PeakWorkingSet;
            log($"  {mode}: webhooks at concurrency {settings.Concurrency} for {settings.Duration.TotalSeconds:0} s...");
            (result, cpu) = await MaxRateAsync(post, settings, app, cancellationToken);
            log($"    {result.Rate:0} webhooks/s ({result.Failed} failed)");
            peak = app.PeakWorkingSet;
        }

        log($"  {mode}: baseline Table inserts (after)...");
        var (after, afterCpu) = await MaxRateAsync(insert, settings, app: null, cancellationToken);
        log($"    {after.Rate:0} inserts/s");
        return new MaxRun(before, beforeCpu, result, cpu, after, afterCpu, idle, peak);
    }

    private static async Task<LatencyRound> LatencyAsync(AzuriteFixture azurite, ModeRun run, double rate, CancellationToken cancellationToken)
    {
        var (mode, settings, log) = (run.Mode, run.Settings, run.Log);
        var insert = await InsertOperationAsync(azurite, settings, cancellationToken);
        LoadResult latency;
        long peak;
        await using (var app = await StartAppAsync(azurite, run, cancellationToken))
        {
            var post = await PostOperationAsync(app, run, cancellationToken);
            await LoadRuns.ClosedLoopAsync(settings.Concurrency, settings.Warmup, post, cancellationToken);
            log($"  {mode}: open loop at {rate:0}/s for {settings.LatencyDuration.TotalSeconds:0} s on a fresh Azurite and app...");
            latency = await LoadRuns.OpenLoopAsync(rate, settings.LatencyDuration, maxInFlight: 1024, post, cancellationToken);
            peak = app.PeakWorkingSet;
        }

        log($"  {mode}: single inserts open loop at {rate:0}/s...");
        var inserts = await LoadRuns.OpenLoopAsync(rate, settings.LatencyDuration, maxInFlight: 1024, insert, cancellationToken);
        log($"    p50 {latency.Percentile(50):0.0} ms, p99 {latency.Percentile(99):0.0} ms (inserts: p50 {inserts.Percentile(50):0.0} ms, p99 {inserts.Percentile(99):0.0} ms)");
        return new LatencyRound(latency, inserts, peak);
    }

    /// <summary>The baseline operation: one inbox-shaped entity inserted with the Azure SDK, without retries.</summary>
    private static async Task<LoadOperation> InsertOperationAsync(AzuriteFixture azurite, IngestSettings settings, CancellationToken cancellationToken)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        var table = new TableClient(azurite.ConnectionString, BaselineTable, options);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var bodies = new WebhookBodies([.. Enumerable.Range(0, settings.Transactions).Select(_ => NewTarget())], InProcessApp.ApiSecret, TimeProvider.System);
        return async (sequence, ct) =>
        {
            var body = bodies.Body(sequence);
            var entity = new TableEntity(FakeTransactionId(sequence % settings.Transactions), TransactionTracking.DedupeKey(body))
            {
                ["TransactionId"] = "TRX_baseline",
                ["Body"] = body,
                ["ReceivedAt"] = DateTimeOffset.UtcNow,
                ["Processed"] = false,
            };
            await table.AddEntityAsync(entity, ct);
            return true;
        };
    }

    /// <summary>
    /// The app's own write for a hit, alone: a queue message of the size of the signal it raises for the same body,
    /// sent with the same Azure SDK queue client settings (base64 text), without retries, at the same concurrency.
    /// </summary>
    /// <remarks>
    /// On a fresh Azurite of its own, as the app's max-rate run starts on one: Azurite's queue operations slow down with
    /// every message it holds, so sends into an Azurite that already holds the app's (or its own earlier) messages would
    /// understate them.
    /// </remarks>
    private static async Task<(LoadResult Result, CpuPerOperation Cpu)> QueueSendsAsync(AzuriteFixture azurite, string mode, IngestSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        var queue = new QueueClient(azurite.ConnectionString, BaselineQueue, options);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var bodies = new WebhookBodies([.. Enumerable.Range(0, settings.Transactions).Select(_ => NewTarget())], InProcessApp.ApiSecret, TimeProvider.System);
        log($"  {mode}: raw sends of a tracker-signal message on a fresh Azurite...");
        var sends = await MaxRateAsync(
            async (sequence, ct) =>
            {
                var body = bodies.Body(sequence);
                var text = JsonSerializer.Serialize(new { instanceId = FakeTransactionId(sequence % settings.Transactions), name = TrackingOrchestration.SignalEvent, input = TrackerSignal.FromWebhook(JsonSerializer.Deserialize<GatewayWebhook>(body, GatewayJson.Options)!) });
                await queue.SendMessageAsync(text, ct);
                return true;
            },
            settings,
            app: null,
            cancellationToken);
        log($"    {sends.Result.Rate:0} sends/s");
        return sends;
    }

    private static async Task<AppProcess> StartAppAsync(AzuriteFixture azurite, ModeRun run, CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        var environment = ProcessSettings.For(azurite, "benchingest", run.Simulator.BaseUri);
        foreach (var (name, value) in run.Environment)
        {
            environment[name] = value;
        }

        var app = AppProcess.Start(run.Executable, port, environment);
        try
        {
            await app.WaitHealthyAsync("/api/health", TimeSpan.FromSeconds(60), cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates the transactions through the app, then returns the operation that posts one signed webhook for them.</summary>
    private static async Task<LoadOperation> PostOperationAsync(AppProcess app, ModeRun run, CancellationToken cancellationToken)
    {
        run.Log($"  {run.Mode}: creating {run.Settings.Transactions} transactions through the app...");
        var http = run.Http;
        var targets = await CreateTargetsAsync(http, app.BaseUri, run.Simulator, run.Settings.Transactions, cancellationToken);
        // The app process keeps the real time: its webhook timestamp window is around the system clock's now.
        var bodies = new WebhookBodies(targets, InProcessApp.ApiSecret, TimeProvider.System);
        var webhookUri = new Uri(app.BaseUri, $"/api/{InProcessApp.WebhookRoute}");
        return async (sequence, ct) =>
        {
            using var content = new ByteArrayContent(bodies.Body(sequence));
            content.Headers.ContentType = Json;
            using var response = await http.PostAsync(webhookUri, content, ct);
            return response.IsSuccessStatusCode;
        };
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

    private static WebhookTarget NewTarget() =>
        new(FakeTransactionId(RandomNumberGenerator.GetInt32(int.MaxValue)), "ref_baseline", WebhookBodies.NewAuthId());

    private static string FakeTransactionId(long n) => $"TRX_{n:x32}";
}
