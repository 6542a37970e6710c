using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Data.Tables;
using Bench.Counting;
using Bench.Hosting;
using Bench.Load;
using FunctionApp.Auth;
using FunctionApp.Tracking;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using TestSupport;
using Transactions.Storage;

namespace Bench.Measures;

/// <param name="Baseline">Finished transactions stored for the baseline; <paramref name="Grown"/>: for the measured size.</param>
/// <param name="HeavyUserTransactions">The heavy user's share at both sizes, so its list pages are the same work.</param>
/// <param name="PageRequests">Requests of each list page, one at a time.</param>
/// <param name="FunctionRuns">Invocations of each background function.</param>
public sealed record GrowthSettings(int Baseline, int Grown, int HeavyUserTransactions, int Baskets, int PageRequests, int FunctionRuns, int PageSize = 20);

/// <summary>One tracked basket: the app's own storage requests and the task hub's (background work excluded), and its real time.</summary>
public sealed record GrowthBasket(int AppRequests, int TaskHubRequests, TimeSpan RealTime)
{
    public int Requests => AppRequests + TaskHubRequests;
}

/// <summary>Requests of one list page: the app's storage requests per request, and the latencies.</summary>
public sealed record PageCost(IReadOnlyList<int> Requests, LoadResult Latency)
{
    public double MedianRequests => Stats.Median([.. Requests.Select(r => (double)r)]);
}

/// <summary>One invocation of a background function: its storage requests, the full-table queries among them, the entities they returned, its real time.</summary>
/// <param name="Operations">Each request, e.g. "app: GET Transactions query (full table, 0 rows)".</param>
public sealed record FunctionRun(int AppRequests, int TaskHubRequests, int FullScans, int RowsRead, TimeSpan RealTime, IReadOnlyList<string> Operations)
{
    public int Requests => AppRequests + TaskHubRequests;
}

/// <summary>A background function run <see cref="FunctionRuns"/> times; it fires once per <paramref name="Every"/>.</summary>
public sealed record BackgroundCost(string Function, TimeSpan Every, IReadOnlyList<FunctionRun> FunctionRuns)
{
    public FunctionRun Median => FunctionRuns.OrderBy(r => r.Requests).ThenBy(r => r.RealTime).ElementAt(FunctionRuns.Count / 2);

    public double MedianMs => Stats.Median([.. FunctionRuns.Select(r => r.RealTime.TotalMilliseconds)]);

    public double RunsPerMinute => TimeSpan.FromMinutes(1) / Every;
}

/// <summary>Everything measured with one number of finished transactions stored.</summary>
public sealed record GrowthSize(
    int Stored, SeedResult Seed, IReadOnlyList<GrowthBasket> Baskets, PageCost FirstPage, PageCost NextPage, LoadResult RawIndexQuery, IReadOnlyList<BackgroundCost> Background)
{
    public GrowthBasket MedianBasket => Baskets.OrderBy(b => b.Requests).ElementAt(Baskets.Count / 2);

    public double MedianBasketSeconds => Stats.Median([.. Baskets.Select(b => b.RealTime.TotalSeconds)]);

    /// <summary>Storage requests of the background functions per minute, by their schedules.</summary>
    public double BackgroundRequestsPerMinute => Background.Sum(b => b.Median.Requests * b.RunsPerMinute);

    /// <summary>Milliseconds the background functions run per minute, by their schedules.</summary>
    public double BackgroundMsPerMinute => Background.Sum(b => b.MedianMs * b.RunsPerMinute);
}

/// <summary>Measure 7: the same work with the baseline's and the grown number of finished transactions stored.</summary>
public sealed record GrowthResult(GrowthSettings Settings, GrowthSize Baseline, GrowthSize Grown)
{
    public const double Target = 1.1;
}

/// <summary>
/// Measure 7, how cost grows with the work stored: for each size, a fresh storage namespace and task hub, finished
/// transactions seeded as the app writes them (not counted), then, with the app in-process (its timer functions off,
/// so only what the bench invokes runs): tracked baskets, the heavy user's list pages through <c>GET /api/transactions</c>,
/// and each background function invoked through its public entry point as the timer would.
/// </summary>
public static class Growth
{
    /// <summary>The timer functions with their schedules, each run as the timer runs it: its class created from the app's services, its public entry point called.</summary>
    private static readonly (string Name, TimeSpan Every, Func<IServiceProvider, DurableTaskClient, CancellationToken, Task> Run)[] Functions =
    [
        ("outbox sweep", TimeSpan.FromMinutes(1),
            (services, _, ct) => ActivatorUtilities.CreateInstance<OutboxSweepFunction>(services).RunAsync(new TimerInfo(), ct)),
        ("stuck-transaction count", TimeSpan.FromMinutes(15),
            (services, tracking, ct) => ActivatorUtilities.CreateInstance<TrackingMaintenanceFunctions>(services).CountStuckAsync(new TimerInfo(), tracking, ct)),
        ("purge of finished tracking", TimeSpan.FromDays(1),
            (services, tracking, ct) => ActivatorUtilities.CreateInstance<TrackingMaintenanceFunctions>(services).PurgeAsync(new TimerInfo(), tracking, ct)),
        ("retention", TimeSpan.FromDays(1),
            (services, _, ct) => ActivatorUtilities.CreateInstance<RetentionFunction>(services).RunAsync(new TimerInfo(), ct)),
    ];

    public static async Task<GrowthResult> RunAsync(AzuriteFixture azurite, GrowthSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var template = await TemplateAsync(azurite, cancellationToken);
        var baseline = await MeasureSizeAsync(azurite, settings, settings.Baseline, template, log, cancellationToken);
        var grown = await MeasureSizeAsync(azurite, settings, settings.Grown, template, log, cancellationToken);
        return new GrowthResult(settings, baseline, grown);
    }

    /// <summary>A basket tracked by the app on a name prefix of its own: the rows every stored transaction copies.</summary>
    private static async Task<SeedTemplate> TemplateAsync(AzuriteFixture azurite, CancellationToken cancellationToken)
    {
        await using var app = await TransactionCost.StartAsync(azurite, "benchgrowthtemplate", DurableSettings.AsDeployed(), cancellationToken, runTimerFunctions: false);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var basket = await TransactionCost.TrackBasketAsync(app, http, "growth-template", cancellationToken);
        return await GrowthSeed.TemplateAsync(app, basket.Created.TransactionId, cancellationToken);
    }

    private static async Task<GrowthSize> MeasureSizeAsync(
        AzuriteFixture azurite, GrowthSettings settings, int stored, SeedTemplate template, Action<string> log, CancellationToken cancellationToken)
    {
        // Stored before the app starts: seeding saturates Azurite, which would starve the task hub's partition leases.
        var prefix = $"benchgrowth{stored}";
        var seed = await GrowthSeed.SeedAsync(azurite.ConnectionString, prefix, template, InProcessApp.MarketHours, stored, settings.HeavyUserTransactions, cancellationToken);
        log($"  {stored} stored: seeded {seed.Transactions} finished transactions of {seed.Users} users in {seed.Took.TotalSeconds:0.0} s");
        await using var app = await TransactionCost.StartAsync(azurite, prefix, DurableSettings.AsDeployed(), cancellationToken, runTimerFunctions: false);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await TransactionCost.TrackBasketAsync(app, http, "growth-warm-up", cancellationToken);

        var baskets = new List<GrowthBasket>();
        for (var run = 1; run <= settings.Baskets; run++)
        {
            await TransactionCost.WaitForQuietAsync(app, cancellationToken);
            var basket = await TransactionCost.TrackBasketAsync(app, http, $"growth-basket-{run}", cancellationToken);
            baskets.Add(new GrowthBasket(basket.Requests.Count(r => !r.IsBackground), basket.DurableRequests.Count(r => !r.IsBackground), basket.RealTime));
        }

        log($"  {stored} stored: baskets {string.Join(", ", baskets.Select(b => $"{b.Requests} ({b.AppRequests} + {b.TaskHubRequests}), {b.RealTime.TotalSeconds:0.0} s"))}");
        await TransactionCost.WaitForQuietAsync(app, cancellationToken);
        var (firstPage, cursor) = await ListPagesAsync(app, http, settings, cursor: null, cancellationToken);
        var (nextPage, _) = await ListPagesAsync(app, http, settings, cursor ?? throw new InvalidOperationException("The heavy user's first page has no next page."), cancellationToken);
        var raw = await RawIndexQueryAsync(app, settings, cancellationToken);
        log($"  {stored} stored: list pages p99 {firstPage.Latency.Percentile(99):0.0} / {nextPage.Latency.Percentile(99):0.0} ms, {firstPage.MedianRequests} / {nextPage.MedianRequests} requests; the index query alone p99 {raw.Percentile(99):0.0} ms");

        var background = new List<BackgroundCost>();
        foreach (var (name, every, function) in Functions)
        {
            // One untimed run first: the first call pays for compilation and connections, and the baseline size runs first.
            await InvokeAsync(app, function, cancellationToken);
            var runs = new List<FunctionRun>();
            for (var i = 0; i < settings.FunctionRuns; i++)
            {
                runs.Add(await InvokeAsync(app, function, cancellationToken));
            }

            var cost = new BackgroundCost(name, every, runs);
            background.Add(cost);
            log($"  {stored} stored: {name}: {cost.Median.Requests} requests ({cost.Median.FullScans} full scans, {cost.Median.RowsRead} rows read), {cost.MedianMs:0} ms");
        }

        return new GrowthSize(stored, seed, baskets, firstPage, nextPage, raw, background);
    }

    /// <summary>
    /// The heavy user's list page (the first, or the one after <paramref name="cursor"/>), requested one at a time:
    /// latency from send to the whole body read, and the app's storage requests for each.
    /// </summary>
    /// <returns>The page's cost, and the cursor of the page after it.</returns>
    private static async Task<(PageCost Cost, string? Next)> ListPagesAsync(InProcessApp app, HttpClient http, GrowthSettings settings, string? cursor, CancellationToken cancellationToken)
    {
        var token = DevelopmentUserTokens.Mint(InProcessApp.UserSigningKey, GrowthSeed.HeavyUser, TimeProvider.System);
        var uri = new Uri(app.BaseUri, $"/api/transactions?limit={settings.PageSize}{(cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}")}");
        var latencies = new List<double>();
        var requests = new List<int>();
        string? next = null;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < settings.PageRequests; i++)
        {
            var mark = app.Storage.Count;
            var sent = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {uri.PathAndQuery} failed: {(int)response.StatusCode} {body}");
            }

            requests.Add(app.Storage.Since(mark).Count(r => !r.IsIdlePoll));
            using var page = JsonDocument.Parse(body);
            next = page.RootElement.GetProperty("nextCursor").GetString();
        }

        return (new PageCost(requests, Latency(latencies, started)), next);
    }

    /// <summary>
    /// The heavy user's first index page read directly with a client of the bench's own: how the emulator's own time for
    /// that one partition query grows with the table (Azurite evaluates a query's filter on every entity of the table).
    /// </summary>
    private static async Task<LoadResult> RawIndexQueryAsync(InProcessApp app, GrowthSettings settings, CancellationToken cancellationToken)
    {
        var index = new TableClient(app.StorageConnectionString, app.Services.GetRequiredService<StorageClients>().NamePrefix + TableNames.UserTransactions);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {GrowthSeed.HeavyUser}");
        var latencies = new List<double>();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < settings.PageRequests; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            await foreach (var _ in index.QueryAsync<TableEntity>(filter, settings.PageSize + 1, cancellationToken: cancellationToken).AsPages())
            {
                break;
            }

            latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        }

        return Latency(latencies, started);
    }

    private static LoadResult Latency(List<double> latencies, long started) =>
        new(latencies.Count, 0, 0, Stopwatch.GetElapsedTime(started), [.. latencies.Order()], TimeSpan.Zero);

    private static string Read(bool tableRead, bool fullScan, int rows) =>
        tableRead ? $" ({(fullScan ? "full table, " : string.Empty)}{rows} {(rows == 1 ? "entity" : "entities")} returned)" : string.Empty;

    /// <summary>One run of a background function, with the storage requests it sent (idle polls and the task hub's background work excluded).</summary>
    private static async Task<FunctionRun> InvokeAsync(InProcessApp app, Func<IServiceProvider, DurableTaskClient, CancellationToken, Task> function, CancellationToken cancellationToken)
    {
        var tracking = app.Services.GetRequiredService<DurableTaskClient>();
        var (appMark, durableMark) = (app.Storage.Count, app.Durable.Count);
        var started = Stopwatch.GetTimestamp();
        await function(app.Services, tracking, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var appRequests = app.Storage.Since(appMark).Where(r => !r.IsIdlePoll).ToList();
        var durableRequests = app.Durable.Since(durableMark).Where(r => !r.IsBackground).ToList();
        return new FunctionRun(
            appRequests.Count,
            durableRequests.Count,
            appRequests.Count(r => r.FullScan) + durableRequests.Count(r => r.FullScan),
            appRequests.Sum(r => r.RowsRead) + durableRequests.Sum(r => r.RowsRead),
            elapsed,
            [
                .. appRequests.Select(r => $"app: {r.Operation}{Read(r.Service == "table" && r.Method == "GET", r.FullScan, r.RowsRead)}"),
                .. durableRequests.Select(r => $"task hub: {r.Kind}{Read(r.Kind.EndsWith(" read", StringComparison.Ordinal), r.FullScan, r.RowsRead)}"),
            ]);
    }
}
