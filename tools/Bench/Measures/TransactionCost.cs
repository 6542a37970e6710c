using System.Diagnostics;
using Bench.Counting;
using Bench.Hosting;
using Gateway.Simulator;
using TestSupport;
using Transactions.Storage;
using Transactions.Tracking;

namespace Bench.Measures;

/// <summary>What one tracked transaction cost: storage requests by operation and Gateway calls by API.</summary>
/// <param name="Operations">Storage requests of the whole flow (background work excluded), by operation, in first-seen order.</param>
/// <param name="StateVersions">The tracker state's version when the outcome was published: one per state change.</param>
public sealed record TransactionCostResult(
    IReadOnlyList<(string Operation, int Count)> Operations,
    int Total,
    int Writes,
    int StateRowWrites,
    long StateVersions,
    int Background,
    IReadOnlyDictionary<string, int> GatewayCalls,
    TimeSpan RealTime,
    IReadOnlyList<int> TotalsPerRun)
{
    /// <summary>The durable runtime's storage requests in the same window (background excluded), by kind.</summary>
    public IReadOnlyList<(string Kind, int Count)> DurableOperations { get; init; } = [];

    public int DurableTotal => DurableOperations.Sum(o => o.Count);

    /// <summary>Durable idle polls and lease renewals in the window, not counted above.</summary>
    public int DurableBackground { get; init; }

    /// <summary>Storage requests per minute of the idle host after the runs: the app's own and the durable runtime's.</summary>
    public (double App, double Durable) IdlePerMinute { get; init; }
}

/// <summary>
/// Measures 2 and 3a: a 3-stock market-order basket created through the app, confirmed in the simulator's SDK flow
/// in market hours, tracked over its placed and completed webhooks and the confirming order-details read until the
/// outcome is published. Every storage request and Gateway call of the app in that window is counted.
/// </summary>
public static class TransactionCost
{
    public const string Basket = """
        [{"ticker":"RELIANCE","quantity":2,"type":"BUY"},{"ticker":"ITC","quantity":5,"type":"SELL"},{"ticker":"NIFTYBEES","quantity":10,"type":"BUY"}]
        """;

    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(30);

    public static async Task<TransactionCostResult> RunAsync(AzuriteFixture azurite, int runs, CancellationToken cancellationToken)
    {
        // Production timings except the settle delay before the confirming read (15 s), which only changes when it happens.
        var settings = new Dictionary<string, string?> { ["Tracker:ConfirmDelay"] = "00:00:01" };
        await using var app = await InProcessApp.StartAsync(
            azurite, "benchcost", settings, new SimulatorOptions { ClockStart = InProcessApp.MarketHours }, cancellationToken);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        var results = new List<TransactionCostResult>();
        for (var run = 1; run <= runs; run++)
        {
            await WaitForQuietAsync(app, cancellationToken);
            results.Add(await RunOnceAsync(app, http, $"cost-user-{run}", cancellationToken));
        }

        // The breakdown shown is the median run's.
        var median = results.OrderBy(r => r.Total + r.DurableTotal).ElementAt(results.Count / 2);
        return median with { TotalsPerRun = [.. results.Select(r => r.Total + r.DurableTotal)], IdlePerMinute = await IdleAsync(app, cancellationToken) };
    }

    private static async Task<TransactionCostResult> RunOnceAsync(InProcessApp app, HttpClient http, string userId, CancellationToken cancellationToken)
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
        var operations = counted
            .GroupBy(r => r.Operation, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count()))
            .ToList();
        return new TransactionCostResult(
            operations,
            counted.Count,
            counted.Count(r => r.IsWrite),
            counted.Count(r => r.WritesTransactionRow),
            final.Version,
            requests.Count - counted.Count,
            app.Gateway.Since(gatewayMark),
            elapsed,
            [])
        {
            DurableOperations = [.. durable.Where(r => !r.IsBackground).GroupBy(r => r.Kind, StringComparer.Ordinal).Select(g => (g.Key, g.Count()))],
            DurableBackground = durable.Count(r => r.IsBackground),
        };
    }

    /// <summary>Every storage request of the host over <see cref="IdleWindow"/> with nothing to do, per minute.</summary>
    private static async Task<(double App, double Durable)> IdleAsync(InProcessApp app, CancellationToken cancellationToken)
    {
        var appMark = app.Storage.Count;
        var durableMark = app.Durable.Count;
        await Task.Delay(IdleWindow, cancellationToken);
        var perMinute = TimeSpan.FromMinutes(1) / IdleWindow;
        return ((app.Storage.Count - appMark) * perMinute, (app.Durable.Count - durableMark) * perMinute);
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

        throw new TimeoutException($"Transaction {transactionId} did not reach a published final outcome within {Deadline.TotalSeconds} s.");
    }

    /// <summary>
    /// Waits until neither the app nor its durable runtime has sent a storage request other than background work (idle
    /// polls, sweeps, lease renewals) for <see cref="Quiet"/>.
    /// </summary>
    private static async Task WaitForQuietAsync(InProcessApp app, CancellationToken cancellationToken)
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

        throw new TimeoutException($"The app kept sending storage requests for {Deadline.TotalSeconds} s.");
    }
}
