using System.Diagnostics;
using Bench.Hosting;
using Gateway.Simulator;
using TestSupport;

namespace Bench.Measures;

/// <param name="CreateOnly">From the first create request to the last answer when the baskets are only created (none confirmed).</param>
/// <param name="EndToEnd">From the first create request to the last final outcome read from the outcomes queue.</param>
/// <param name="CreateToOutcomeMs">Each basket's time from its create request to its final outcome, sorted.</param>
/// <param name="Unfinished">Tracked baskets with no final outcome published within <see cref="Burst.Patience"/> of their confirm; left out of the rate and the percentiles.</param>
/// <param name="AppRequests">The app's own storage requests in the tracked burst (background work excluded); <paramref name="TaskHubRequests"/>: its task hub's.</param>
public sealed record BurstResult(int Baskets, int Concurrency, TimeSpan CreateOnly, TimeSpan EndToEnd, double[] CreateToOutcomeMs, int Unfinished, int AppRequests, int TaskHubRequests)
{
    public int Finished => Baskets - Unfinished;

    public double Rate => Finished / EndToEnd.TotalSeconds;

    public double CreateOnlyRate => Baskets / CreateOnly.TotalSeconds;

    public double Ratio => Rate / CreateOnlyRate;

    public double RequestsPerBasket => (double)(AppRequests + TaskHubRequests) / Baskets;

    public double Percentile(double p) => CreateToOutcomeMs[Math.Clamp((int)Math.Ceiling(p / 100 * CreateToOutcomeMs.Length) - 1, 0, CreateToOutcomeMs.Length - 1)];
}

/// <summary>
/// Measure 6, burst throughput: 3-stock market-order baskets created through the app as fast as a bounded concurrency
/// allows, each confirmed in the simulator's SDK flow in market hours right after its create, webhooks on, until every
/// final outcome is published. The reference from the same run: the same number of baskets only created, at the same
/// concurrency, on the same app just before (no tracking to wait for: they are never confirmed).
/// </summary>
public static class Burst
{
    private const string NamePrefix = "benchburst";
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public static async Task<BurstResult> RunAsync(AzuriteFixture azurite, int count, int concurrency, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        // Production timings except the settle delay before the confirming read (15 s), as in measure 2.
        var settings = new Dictionary<string, string?>(DurableSettings.AsDeployed().AsConfiguration()) { ["Tracker:ConfirmDelay"] = "00:00:01" };
        await using var app = await InProcessApp.StartAsync(azurite, NamePrefix, settings, new SimulatorOptions { ClockStart = InProcessApp.MarketHours }, cancellationToken);
        await using var outcomes = new OutcomeWatch(app.StorageConnectionString, NamePrefix);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };

        var createOnlyStarted = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, ct) =>
            await app.CreateTransactionAsync(http, $"burst-create-{i}", TransactionCost.Basket, ct));
        var createOnly = Stopwatch.GetElapsedTime(createOnlyStarted);
        log($"  {count} creates alone: {createOnly.TotalSeconds:0.0} s, {count / createOnly.TotalSeconds:0.0}/s");
        await TransactionCost.WaitForQuietAsync(app, cancellationToken);

        var (storageMark, durableMark) = (app.Storage.Count, app.Durable.Count);
        var started = Stopwatch.GetTimestamp();
        var tracked = new Task<(long CreatedAt, long? FinalSeenAt)>[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, ct) =>
        {
            var createdAt = Stopwatch.GetTimestamp();
            var created = await app.CreateTransactionAsync(http, $"burst-user-{i}", TransactionCost.Basket, ct);
            await app.CompleteSdkFlowAsync(http, created, ct);
            tracked[i] = FinalSeenAsync(outcomes, created.TransactionId, createdAt, cancellationToken);
        });
        var all = await Task.WhenAll(tracked);
        var baskets = all.Where(b => b.FinalSeenAt is not null).Select(b => (b.CreatedAt, FinalSeenAt: b.FinalSeenAt!.Value)).ToList();
        var unfinished = count - baskets.Count;
        if (unfinished > 0)
        {
            log($"  {unfinished} of {count} tracked baskets had no final outcome within {Patience.TotalMinutes:0} min of their confirm");
        }

        var endToEnd = baskets.Count > 0 ? Stopwatch.GetElapsedTime(started, baskets.Max(b => b.FinalSeenAt)) : Stopwatch.GetElapsedTime(started);
        await TransactionCost.WaitForQuietAsync(app, cancellationToken);
        var appRequests = app.Storage.Since(storageMark).Count(r => !r.IsBackground);
        var taskHubRequests = app.Durable.Since(durableMark).Count(r => !r.IsBackground);
        log($"  {baskets.Count} tracked baskets final: {endToEnd.TotalSeconds:0.0} s, {baskets.Count / endToEnd.TotalSeconds:0.0}/s; {(double)(appRequests + taskHubRequests) / count:0} storage requests per basket");
        return new BurstResult(
            count, concurrency, createOnly, endToEnd, [.. baskets.Select(b => Stopwatch.GetElapsedTime(b.CreatedAt, b.FinalSeenAt).TotalMilliseconds).Order()], unfinished, appRequests, taskHubRequests);
    }

    private static async Task<(long CreatedAt, long? FinalSeenAt)> FinalSeenAsync(OutcomeWatch outcomes, string transactionId, long createdAt, CancellationToken cancellationToken)
    {
        try
        {
            return (createdAt, await outcomes.FinalSeenAsync(transactionId, Patience, cancellationToken));
        }
        catch (TimeoutException)
        {
            return (createdAt, null);
        }
    }
}
