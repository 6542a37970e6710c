using System.Globalization;
using System.Text;
using Bench.Measures;

namespace Bench.Report;

/// <summary>Everything one bench run measured; a section that was not run is null.</summary>
public sealed record BenchRun(
    DateTimeOffset StartedAt,
    TimeSpan Took,
    bool Quick,
    MachineInfo Machine,
    IReadOnlyList<(string When, string Load)> Loads,
    IngestResult? Ingest,
    TransactionCostResult? Cost,
    IReadOnlyList<ColdStartResult>? ColdStarts,
    GrowthResult? Growth = null,
    TrackingResult? Tracking = null);

/// <summary>The Markdown report: a summary table (each figure against its baseline and target), then the details.</summary>
public static class ResultsReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(BenchRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var md = new StringBuilder();
        Line(md, $"# Bench results{(run.Quick ? " (quick smoke run: short durations, not for comparison)" : string.Empty)}");
        Line(md);
        Line(md, $"Measured {run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", Invariant)} UTC by `bash scripts/bench.sh{(run.Quick ? " --quick" : string.Empty)}` in {run.Took.TotalMinutes:0.0} min. " +
            "Every figure is compared with a baseline measured in the same run on the same machine; see [bench/README.md](../README.md) for what each one means.");
        Line(md);
        Machine(md, run);
        Summary(md, run);
        if (run.Ingest is { } ingest)
        {
            IngestDetails(md, ingest);
        }

        if (run.Cost is { } cost)
        {
            CostDetails(md, cost);
        }

        if (run.Tracking is { } tracking)
        {
            TrackingDetails(md, tracking);
        }


        if (run.ColdStarts is { } coldStarts)
        {
            ColdStartDetails(md, coldStarts);
        }

        if (run.Growth is { } growth)
        {
            GrowthDetails(md, growth);
        }

        return md.ToString();
    }

    private static void Machine(StringBuilder md, BenchRun run)
    {
        Line(md, "## Machine");
        Line(md);
        Table(md, ["", ""],
        [
            ["CPU", $"{run.Machine.Cores} cores, {run.Machine.Cpu}"],
            ["memory", run.Machine.Memory],
            ["OS", run.Machine.Os],
            [".NET", $"{run.Machine.Runtime} (SDK {run.Machine.Sdk})"],
            ["storage", $"Azurite {run.Machine.Azurite}, in-memory, on the same cores"],
            ["load average (1/5/15 min)", string.Join("; ", run.Loads.Select(l => $"{l.When}: {l.Load}"))],
        ]);
        Line(md, "The cores are shared with the other engineers' builds and test runs: the load average says how busy the machine was. " +
            "Ratios against a baseline from the same run are the figures to compare; absolute rates move with the load.");
        Line(md);
    }

    private static void Summary(StringBuilder md, BenchRun run)
    {
        Line(md, "## Summary");
        Line(md);
        var rows = new List<string[]>();
        if (run.Ingest is { } ingest)
        {
            foreach (var mode in ingest.Modes)
            {
                rows.Add(["1", $"Webhook ingest, {mode.Mode}: signed hits accepted and stored per second, concurrency {ingest.Settings.Concurrency}, median of {mode.Rounds.Count} alternating runs",
                    mode.Rate.Format("0", "/s"), $"{mode.BaselineRate.Format("0", "/s")} single-entity Table inserts", mode.Ratio.Format("0.00"), "≥ 0.80", Verdict(mode.Ratio.Median >= 0.8)]);
            }

            foreach (var mode in ingest.Modes)
            {
                rows.Add(["1", $"Webhook ingest, {mode.Mode}, against raw sends of the one message the app writes per hit",
                    mode.Rate.Format("0", "/s"), $"{mode.SendsRate.Format("0", "/s")} queue sends", mode.QueueRatio.Format("0.00"), "(reported)", "—"]);
            }

            foreach (var mode in ingest.Modes)
            {
                rows.Add(["1", $"Acknowledgement latency p50 / p99, {mode.Mode}, open loop at {mode.LatencyRate:0}/s (half the median max), median of {mode.LatencyRounds.Count} runs",
                    $"{mode.LatencyP50.Format("0.0")} / {mode.LatencyP99.Format("0.0", " ms")}",
                    $"{mode.BaselineP50.Format("0.0")} / {mode.BaselineP99.Format("0.0", " ms")} single inserts at the same rate",
                    "—", "p99 ≤ 20 ms", Verdict(mode.LatencyP99.Median <= 20)]);
            }
        }

        if (run.Cost is { } cost)
        {
            var (app, defaults) = (cost.App, cost.Defaults);
            rows.Add(["2", $"Storage requests per tracked 3-stock basket (create → placed → completed → confirmed → outcome published): the app's own tables and queues, median of {app.Runs.Count}",
                Spread(app.Runs.Select(r => r.AppTotal)), "—", "—", "≤ 16", Verdict(app.Median.AppTotal <= 16)]);
            rows.Add(["2", $"The same with the task hub's tables, queues and blobs (idle polls and partition leases excluded), {app.Settings.Name}: {app.Settings.Description}",
                $"{Spread(app.Runs.Select(r => r.Total))} ({app.Median.AppTotal} app + {app.Median.DurableTotal} task hub)",
                $"{Spread(defaults.Runs.Select(r => r.Total))} on {defaults.Settings.Name} ({defaults.Settings.Description})",
                $"{cost.BasketRatio:0.00}", "≤ 0.75× and ≤ 26", Verdict(cost.BasketRatio <= 0.75 && app.Median.Total <= 26)]);
            rows.Add(["2", "Storage writes while a signed webhook is acknowledged (POST to 2xx, one at a time on a quiet host), each webhook",
                string.Join(", ", app.Acknowledgements.Select(a => a.Writes)) + $" ({AcknowledgementKinds(app)})", "—", "—", "1: the control-queue message of the signal",
                Verdict(app.Acknowledgements.All(a => a.Writes == 1 && a.Requests.Single(r => r.IsWrite).Request == "task hub: queue send"))]);
            rows.Add(["2", $"Storage requests per minute of one idle host (the app's own + the task hub's), {app.Settings.Name}",
                $"{app.IdlePerMinute:0} ({app.IdleAppPerMinute:0} + {app.IdleDurablePerMinute:0})",
                $"{defaults.IdlePerMinute:0} ({defaults.IdleAppPerMinute:0} + {defaults.IdleDurablePerMinute:0}) on {defaults.Settings.Name}",
                $"{cost.IdleRatio:0.00}", "≤ 0.50×", Verdict(cost.IdleRatio <= 0.5)]);
            rows.Add(["2", "History rows per tracked basket; its history and instance rows left after a purge",
                $"{Spread(app.Runs.Select(r => r.HistoryRows))}; {app.Runs.Max(r => r.RowsAfterPurge)}", "—", "—", "reported; 0 after purge", Verdict(app.Runs.All(r => r.RowsAfterPurge == 0))]);
            rows.Add(["2", "Rows a finished basket keeps in the app's tables (its row and outbox, index row, notes reference, idempotency record, outcome log rows); left after the retention run past Tracker__KeepFinishedFor",
                $"{Spread(app.Runs.Select(r => r.AppRows))}; {app.Runs.Max(r => r.AppRowsAfterRetention)}", "—", "—", "reported; 0 after retention", Verdict(app.Runs.All(r => r.AppRowsAfterRetention == 0))]);
            rows.Add(["2", "Writes of the transaction row per tracker state change (median run)",
                $"{app.Median.StateRowWrites} writes / {app.Median.StateVersions} states", "—", $"{(double)app.Median.StateRowWrites / app.Median.StateVersions:0.00}", "≤ 1",
                Verdict(app.Runs.All(r => r.StateRowWrites <= r.StateVersions))]);
            var gatewayReads = app.Runs.Select(r => r.GatewayCalls.Where(c => c.Key != Counting.GatewayCallCounter.Create).Sum(c => c.Value));
            rows.Add(["3", "Gateway calls per transaction while webhooks arrive (besides the create call), each run: the webhooks of an order filled at once are one burst",
                $"{string.Join(", ", gatewayReads)} ({Calls(app.Median.GatewayCalls, exceptCreate: true)} in the median run)", "—", "—", "≤ 1 order-details read per webhook burst",
                Verdict(app.Runs.All(r => r.GatewayCalls.GetValueOrDefault(Counting.GatewayCallCounter.OrderDetails) <= 1))]);
        }

        if (run.Tracking is { } tracking)
        {
            TrackingSummary(rows, tracking, run.Cost);
        }

        if (run.ColdStarts is { } coldStarts)
        {
            foreach (var result in coldStarts)
            {
                if (result.Error is { } error)
                {
                    rows.Add(["4", $"Cold start, {result.Variant.Name}", error, "—", "—", "≤ 1.30×", "not measured"]);
                    continue;
                }

                rows.Add(["4", $"Cold start, {result.Variant.Name}, as `run` starts it (embedded simulator): process start to first 2xx on /api/health (median of {result.AppMs.Count})",
                    $"{result.AppMedianMs:0} ms", $"{result.BaselineMedianMs:0} ms bare ASP.NET Core app", $"{result.Ratio:0.00}×", "≤ 1.30×", Verdict(result.Ratio <= 1.3)]);
                rows.Add(["4", $"Cold start, {result.Variant.Name}, local host against a separate Gateway (no simulator), tables and queues created by the infrastructure",
                    $"{result.DeployedMedianMs:0} ms", $"{result.BaselineMedianMs:0} ms", $"{result.DeployedRatio:0.00}×", "≤ 1.30×", Verdict(result.DeployedRatio <= 1.3)]);
                rows.Add(["4", $"Cold start, {result.Variant.Name}, local host against a separate Gateway creating missing tables and queues at start",
                    $"{result.DeployedCreatingMedianMs:0} ms", $"{result.BaselineMedianMs:0} ms", $"{result.DeployedCreatingRatio:0.00}×", "≤ 1.30×", Verdict(result.DeployedCreatingRatio <= 1.3)]);
            }
        }

        if (run.Ingest is { } memory)
        {
            var bare = run.ColdStarts?.FirstOrDefault(c => c.Error is null) is { } first ? Stats.Median(first.BaselinePeakBytes) : double.NaN;
            foreach (var mode in memory.Modes)
            {
                rows.Add(["5", $"Peak working set of the app process (VmHWM) under the ingest test, {mode.Mode}",
                    Mib(mode.PeakWorkingSetBytes), double.IsNaN(bare) ? "—" : $"{Mib(bare)} bare app after start", double.IsNaN(bare) ? "—" : $"{mode.PeakWorkingSetBytes / bare:0.0}×", "(reported)", "—"]);
            }
        }

        if (run.Growth is { } growth)
        {
            rows.AddRange(GrowthSummary(growth));
        }

        Table(md, ["#", "figure", "measured", "baseline", "ratio", "target", "result"], rows);
    }

    /// <summary>Each figure with the grown number of transactions stored against the same with the baseline's: requests and time, both within 1.1×, and no full-table query.</summary>
    private static IEnumerable<string[]> GrowthSummary(GrowthResult growth)
    {
        var (small, large) = (growth.Baseline, growth.Grown);
        var stored = $"{large.Stored:N0} finished transactions stored";
        var against = $"with {small.Stored:N0} stored";
        const string NoScan = "≤ 1.10× both, no full-table query";
        string[] Row(string figure, string measured, string baseline, double requestsRatio, double timeRatio, string target = "≤ 1.10× both", bool fullScans = false) =>
            ["7", $"{figure}, {stored}", measured, $"{baseline} {against}", $"{requestsRatio:0.00} / {timeRatio:0.00}", target,
             Verdict(requestsRatio <= GrowthResult.Target && timeRatio <= GrowthResult.Target && !fullScans)];

        string Basket(GrowthSize size) => $"{size.MedianBasket.Requests} ({size.MedianBasket.AppRequests} + {size.MedianBasket.TaskHubRequests}) requests, {size.MedianBasketSeconds:0.0} s";
        yield return Row($"Storage requests (the app's + the task hub's) and real time per tracked 3-stock basket, median of {large.Baskets.Count}",
            Basket(large), Basket(small), (double)large.MedianBasket.Requests / small.MedianBasket.Requests, large.MedianBasketSeconds / small.MedianBasketSeconds);
        foreach (var (name, pick) in new (string, Func<GrowthSize, PageCost>)[] { ("first", s => s.FirstPage), ("next", s => s.NextPage) })
        {
            string Page(GrowthSize size) => $"{pick(size).MedianRequests:0.#} requests, p99 {pick(size).Latency.Percentile(99):0.0} ms";
            yield return Row($"`GET /api/transactions`, the {name} page of {growth.Settings.PageSize} for a user with {growth.Settings.HeavyUserTransactions} transactions: storage requests (median) and p99 latency of {large.FirstPage.Requests.Count} requests",
                Page(large), Page(small), pick(large).MedianRequests / pick(small).MedianRequests, pick(large).Latency.Percentile(99) / pick(small).Latency.Percentile(99));
        }

        yield return ["7", $"Azurite's own share: the heavy user's first index page queried directly by the bench (one partition query), p99 of {large.RawIndexQuery.LatenciesMs.Length}, {stored}",
            $"{large.RawIndexQuery.Percentile(99):0.0} ms", $"{small.RawIndexQuery.Percentile(99):0.0} ms {against}", $"{large.RawIndexQuery.Percentile(99) / small.RawIndexQuery.Percentile(99):0.00}",
            "(reported: Azurite filters every entity of the table)", "—"];
        for (var i = 0; i < large.Background.Count; i++)
        {
            var (grown, baseline) = (large.Background[i], small.Background[i]);
            string Function(BackgroundCost cost) => $"{cost.Median.Requests} requests ({cost.Median.FullScans} full-table), {cost.MedianMs:0} ms";
            yield return Row($"{grown.Function} (every {Every(grown.Every)}), one run through its public entry point: storage requests and real time, median of {grown.FunctionRuns.Count}",
                Function(grown), Function(baseline), (double)grown.Median.Requests / baseline.Median.Requests, grown.MedianMs / baseline.MedianMs,
                NoScan, grown.Median.FullScans > 0);
        }

        yield return Row("Background work per minute by the schedules: storage requests and run time",
            $"{large.BackgroundRequestsPerMinute:0.0} requests, {large.BackgroundMsPerMinute:0} ms", $"{small.BackgroundRequestsPerMinute:0.0}, {small.BackgroundMsPerMinute:0} ms",
            large.BackgroundRequestsPerMinute / small.BackgroundRequestsPerMinute, large.BackgroundMsPerMinute / small.BackgroundMsPerMinute,
            NoScan, large.Background.Any(b => b.Median.FullScans > 0));
    }

    private static string Every(TimeSpan every) => every >= TimeSpan.FromDays(1) ? "day" : every == TimeSpan.FromMinutes(1) ? "minute" : $"{every.TotalMinutes:0} min";

    private static void IngestDetails(StringBuilder md, IngestResult ingest)
    {
        var s = ingest.Settings;
        Line(md, "## 1. Webhook ingest");
        Line(md);
        Line(md, $"Each mode, {s.Rounds} rounds: on a fresh Azurite, baseline inserts, then the app ({s.Transactions} transactions created through it first; {s.Concurrency} concurrent clients " +
            $"for {s.Duration.TotalSeconds:0} s after a {s.Warmup.TotalSeconds:0} s warm-up), then baseline inserts again; then, on a fresh Azurite, raw sends of the message the app writes per hit (same body, same queue client settings). " +
            $"Then {s.Rounds} times, on a fresh Azurite and app process, the open-loop latency run at half the app's median max rate for {s.LatencyDuration.TotalSeconds:0} s (latency from each request's scheduled start), then single inserts at the same rate. " +
            "With no orchestration worker the signals wait in the task hub: that mode measures what acknowledging a webhook costs; the other adds the tracking each signal prompts, in the same process and on the same Azurite.");
        Line(md);
        var rows = new List<string[]>();
        foreach (var mode in ingest.Modes)
        {
            foreach (var (round, i) in mode.Rounds.Select((r, i) => (r, i + 1)))
            {
                rows.Add([$"{mode.Mode}, round {i}: baseline Table inserts, before", $"{round.Before.Rate:0}/s", round.Before.Failed.ToString(Invariant), Ms(round.Before), Cpu(round.BeforeCpu)]);
                rows.Add([$"{mode.Mode}, round {i}: **app, max rate**", $"{round.App.Rate:0}/s", round.App.Failed.ToString(Invariant), Ms(round.App), Cpu(round.AppCpu)]);
                rows.Add([$"{mode.Mode}, round {i}: baseline Table inserts, after", $"{round.After.Rate:0}/s", round.After.Failed.ToString(Invariant), Ms(round.After), Cpu(round.AfterCpu)]);
                rows.Add([$"{mode.Mode}, round {i}: raw sends of a tracker-signal-sized message (fresh Azurite)", $"{round.Sends.Rate:0}/s", round.Sends.Failed.ToString(Invariant), Ms(round.Sends), Cpu(round.SendsCpu)]);
            }

            foreach (var (round, i) in mode.LatencyRounds.Select((r, i) => (r, i + 1)))
            {
                rows.Add([$"{mode.Mode}, latency round {i}: app, open loop at {mode.LatencyRate:0}/s (fresh Azurite and app)", $"{round.App.Rate:0}/s", $"{round.App.Failed} (+{round.App.Skipped} skipped)", Ms(round.App), "—"]);
                rows.Add([$"{mode.Mode}, latency round {i}: baseline inserts, open loop at {mode.LatencyRate:0}/s (same Azurite, after)", $"{round.Inserts.Rate:0}/s", $"{round.Inserts.Failed} (+{round.Inserts.Skipped} skipped)", Ms(round.Inserts), "—"]);
            }
        }

        Table(md, ["run", "rate", "failed", "latency p50 / p99 / max", "CPU ms per operation: app / Azurite / bench client"], rows);
        Line(md, "The bench client's own garbage-collection pauses during the open-loop runs (they count as latency for the app and the baseline alike), longest round: " +
            string.Join("; ", ingest.Modes.Select(m => $"{m.Mode}: {m.LatencyRounds.Max(r => r.App.ClientGcPause.TotalMilliseconds):0} ms and {m.LatencyRounds.Max(r => r.Inserts.ClientGcPause.TotalMilliseconds):0} ms")) + ".");
        Line(md);
        Line(md, "Memory (measure 5): the app runs as its own process; VmHWM is its peak resident set since start, read before it is stopped (the highest of its processes). " +
            string.Join("; ", ingest.Modes.Select(m => $"{m.Mode}: {Mib(m.IdleWorkingSetBytes)} after setup, {Mib(m.PeakWorkingSetBytes)} peak")) + ".");
        Line(md);
    }

    private static void CostDetails(StringBuilder md, TransactionCostResult cost)
    {
        Line(md, "## 2. Storage requests per tracked transaction");
        Line(md);
        Line(md, "Two local hosts run side by side on the same Azurite, each with its own task hub and Gateway simulator: one on the task hub " +
            $"settings the app is deployed with ({cost.App.Settings.Description}, from `functions/host.json`), one on {cost.Defaults.Settings.Name} ({cost.Defaults.Settings.Description}). " +
            "The baskets alternate between them, each a new user's first. Every retry attempt would count on its own. Idle queue polls, partition leases " +
            "and the outbox sweep are not counted per basket: they cost per minute, and are measured with both hosts idle for " +
            $"{cost.IdleWindow.TotalSeconds:0} s. The confirm delay is 1 s for the bench (production waits 15 s), which only changes when the confirming read happens.");
        Line(md);
        Table(md, ["settings", "per basket, each run (app + task hub)", "real time from create to published outcome", "background requests in the window", "history rows"],
            [.. new[] { cost.App, cost.Defaults }.Select(c => new[]
            {
                c.Settings.Name,
                string.Join(", ", c.Runs.Select(r => $"{r.Total} ({r.AppTotal} + {r.DurableTotal})")),
                string.Join(", ", c.Runs.Select(r => $"{r.RealTime.TotalSeconds:0.0} s")),
                string.Join(", ", c.Runs.Select(r => (r.Background + r.DurableBackground).ToString(Invariant))),
                string.Join(", ", c.Runs.Select(r => r.HistoryRows.ToString(Invariant))),
            })]);
        var median = cost.App.Median;
        Line(md, $"The median run {cost.App.Settings.Name}, the app's own requests:");
        Line(md);
        Table(md, ["operation (method, table or queue, kind)", "count", "write"],
            [.. median.Operations.Select(o => new[] { o.Operation, o.Count.ToString(Invariant), IsWrite(o.Operation) ? "yes" : "" }),
             ["**total**", $"**{median.AppTotal}**", $"{median.Writes} writes"]]);
        Line(md, $"Gateway calls in the same window: {Calls(median.GatewayCalls, exceptCreate: false)}.");
        Line(md);
        Line(md, "The task hub's requests in the median run of each setting:");
        Line(md);
        var kinds = cost.App.Median.DurableOperations.Select(o => o.Kind).Union(cost.Defaults.Median.DurableOperations.Select(o => o.Kind)).ToList();
        Table(md, ["task hub request", cost.App.Settings.Name, cost.Defaults.Settings.Name],
            [.. kinds.Select(k => new[] { k, Count(cost.App.Median, k), Count(cost.Defaults.Median, k) }),
             ["**total**", $"**{cost.App.Median.DurableTotal}**", $"**{cost.Defaults.Median.DurableTotal}**"]]);
        Line(md, "Webhook acknowledgements: an unconfirmed transaction is created, then signed webhooks for it are posted one at a time, each once both the app " +
            "and its task hub have been quiet for 1.5 s; listed are the storage requests sent from the POST until its 2xx. The tracking's own reaction starts " +
            "after the signal's message is sent and can show up only as reads.");
        Line(md);
        Table(md, ["settings", "webhook", "storage requests until the 2xx"],
            [.. new[] { cost.App, cost.Defaults }.SelectMany(c => c.Acknowledgements.Select((a, i) => new[]
            {
                c.Settings.Name, (i + 1).ToString(Invariant), a.Requests.Count == 0 ? "none" : string.Join("; ", a.Requests.Select(r => r.Request + (r.IsWrite ? " (write)" : string.Empty))),
            }))]);
        Line(md, $"Idle: {cost.App.Settings.Name} {cost.App.IdlePerMinute:0} requests per minute, {cost.Defaults.Settings.Name} {cost.Defaults.IdlePerMinute:0}. " +
            $"At {IdlePrice.PerTenThousand:0.0000} USD per 10,000 operations ({IdlePrice.Source}) one idle host costs about " +
            $"{IdlePrice.PerMonth(cost.App.IdlePerMinute):0.00} and {IdlePrice.PerMonth(cost.Defaults.IdlePerMinute):0.00} USD a month respectively.");
        Line(md);
    }

    private static void TrackingSummary(List<string[]> rows, TrackingResult tracking, TransactionCostResult? cost)
    {
        var lost = tracking.LostWebhooks;
        foreach (var lostCase in lost.Cases)
        {
            var runs = lostCase.Runs;
            rows.Add(["3", $"Every webhook lost, {lostCase.Name}: Gateway reads until the outcome is published; time from confirm until final (tracker timings and transaction lifetime ÷{lost.Scale}), median of {runs.Count}",
                $"{Spread(runs.Select(r => r.Reads))} ({Calls(runs[runs.Count / 2].GatewayReads, exceptCreate: true)}); {Seconds(runs.Select(r => r.ToFinal))} real ≈ {Minutes(lostCase.ToFinalAtProduction(Median(runs.Select(r => r.ToFinal))))} at production timings",
                "—", "—", "reported", "—"]);
            rows.Add(["3", $"Every webhook lost, {lostCase.Name}: the first Gateway read against the create answer's expireAt",
                $"expireAt {SignedSeconds(runs.Select(r => r.FirstPollAfterExpireAt))} ≈ {SignedMinutes(lostCase.FirstReadAtProduction(Median(runs.Select(r => r.FirstPollAfterExpireAt))))} at production timings",
                "—", "—", "≤ expireAt unless a signal came",
                lostCase.SdkResultPosted && runs.Any(r => r.FirstPollAfterExpireAt > TimeSpan.Zero) ? "— (a signal came)" : Verdict(runs.All(r => r.FirstPollAfterExpireAt <= TimeSpan.Zero))]);
        }

        var burst = tracking.Burst;
        rows.Add(["6", $"Burst throughput: tracked 3-stock baskets per second completed end to end (first create to last outcome published), {burst.Baskets} baskets, concurrency {burst.Concurrency}, webhooks on",
            $"{burst.Rate:0.0}/s{(burst.Unfinished > 0 ? $" ({burst.Unfinished} of {burst.Baskets} not final within {Burst.Patience.TotalMinutes:0} min, left out)" : string.Empty)}", $"{burst.CreateOnlyRate:0.0}/s creates alone (same count and concurrency, never confirmed)", $"{burst.Ratio:0.00}",
            "reported, against the hand-written tracker's figure", "no earlier figure: ratio not available"]);
        rows.Add(["6", "Create to outcome published per basket in the burst, p50 / p99",
            $"{burst.Percentile(50) / 1000:0.0} / {burst.Percentile(99) / 1000:0.0} s", "—", "—", "(reported)", "—"]);
        rows.Add(["6", "Storage requests per basket in the burst (the app's own + the task hub's, background excluded)",
            $"{burst.RequestsPerBasket:0} ({(double)burst.AppRequests / burst.Baskets:0} + {(double)burst.TaskHubRequests / burst.Baskets:0})",
            cost is null ? "—" : $"{cost.App.Median.Total} one basket at a time (measure 2)",
            cost is null ? "—" : $"{burst.RequestsPerBasket / cost.App.Median.Total:0.00}", "(reported)", "—"]);
    }

    private static void TrackingDetails(StringBuilder md, TrackingResult tracking)
    {
        var lost = tracking.LostWebhooks;
        Line(md, "## 3. Every webhook lost");
        Line(md);
        Line(md, "A 3-stock market-order basket created through the app and confirmed in the simulator's SDK flow in market hours, the simulator dropping " +
            "every webhook of it (scenario `webhooks.drop: all`); with the SDK's answer posted to the app (a signal) and without it (the tracking learns " +
            $"everything by polling). Durable timers run in real time, so every tracker timing and the Gateway's transaction lifetime are divided by {lost.Scale}: " +
            $"lifetime {lost.Lifetime.TotalSeconds:0.#} s, expiry grace {lost.Timings.ExpiryGrace.TotalSeconds:0.#} s, signal read delay {lost.Timings.SignalReadDelay.TotalMilliseconds:0} ms, " +
            $"confirm delay {lost.Timings.ConfirmDelay.TotalMilliseconds:0} ms, back-off {lost.Timings.BackoffInitial.TotalSeconds:0.#}–{lost.Timings.BackoffMax.TotalSeconds:0.#} s " +
            $"(`LateStart` and the storage retries unchanged). At production timings: the waits the path is scheduled to make (with the SDK result: the signal's read delay " +
            "and the confirm delay; polling only: the lifetime, the expiry grace and the confirm delay) at their production lengths, plus what the run took beyond them " +
            "(the durable runtime's own delays: control-queue polls, timer delivery, episodes), unscaled. Time runs from the confirm's answer until the final event " +
            "is read from the outcomes queue; the reads are those the app's Gateway client sent in that window.");
        Line(md);
        Table(md, ["case", "run", "Gateway reads", "confirm to final, real", "at production timings", "first read against expireAt", "outcome"],
            [.. lost.Cases.SelectMany(c => c.Runs.Select((r, i) => new[]
            {
                c.Name, (i + 1).ToString(Invariant), Calls(r.GatewayReads, exceptCreate: true), $"{r.ToFinal.TotalSeconds:0.0} s",
                Minutes(c.ToFinalAtProduction(r.ToFinal)), $"{LostWebhooks.AgainstExpiry(r.FirstPollAfterExpireAt)} ({SignedMinutes(c.FirstReadAtProduction(r.FirstPollAfterExpireAt))})", r.Phase.ToString(),
            }))]);
        if (lost.Cases.FirstOrDefault(c => !c.SdkResultPosted) is { } polling)
        {
            Line(md, $"Polling only, the first read is the expiry check, due at expireAt + {lost.Timings.ExpiryGrace.TotalSeconds:0.#} s; against its due time it came at " +
                $"{SignedSeconds(polling.Runs.Select(r => r.FirstPollAfterExpireAt - lost.Timings.ExpiryGrace))} (a durable timer may fire up to a second early: queue visibility delays are whole seconds).");
            Line(md);
        }

        Line(md, "The hand-written (queue-based) tracker, measured on simulated time on 2026-11-24 with every webhook lost and no SDK result: 2 polls, 25 min 15 s to final " +
            "(its first wake-up the expiry check at expireAt + 10 min grace).");
        Line(md);

        var burst = tracking.Burst;
        Line(md, "## 6. Burst throughput");
        Line(md);
        Line(md, $"One app in-process (deployed task hub settings; production tracker timings except the 1 s confirm delay, as in measure 2). First {burst.Baskets} " +
            $"3-stock baskets are only created through the app, {burst.Concurrency} at a time (the reference: no tracking to wait for), then {burst.Baskets} more are created " +
            $"and each confirmed in the simulator's SDK flow right after its create, {burst.Concurrency} at a time, webhooks on, in market hours; the bench reads the " +
            "outcomes queue with a client of its own and notes when each basket's final event arrives. The hand-written tracker's throughput was never recorded " +
            "in this bench's results: no earlier figure, so no ratio against it.");
        Line(md);
        Table(md, ["run", "time", "rate", "per basket: create to outcome p50 / p99 / max"],
        [
            [$"{burst.Baskets} creates alone", $"{burst.CreateOnly.TotalSeconds:0.0} s", $"{burst.CreateOnlyRate:0.0}/s", "—"],
            [$"{burst.Finished} of {burst.Baskets} tracked baskets, first create to last outcome", $"{burst.EndToEnd.TotalSeconds:0.0} s", $"{burst.Rate:0.0}/s",
             $"{burst.Percentile(50) / 1000:0.0} / {burst.Percentile(99) / 1000:0.0} / {burst.CreateToOutcomeMs[^1] / 1000:0.0} s"],
        ]);
        Line(md, $"Storage requests in the tracked burst, background work (idle polls, leases, sweeps) excluded: {burst.AppRequests} the app's own and " +
            $"{burst.TaskHubRequests} the task hub's, {burst.RequestsPerBasket:0.0} per basket." +
            (burst.Unfinished > 0 ? $" {burst.Unfinished} basket(s) had no final outcome within {Burst.Patience.TotalMinutes:0} min of the confirm: they are left out of the rate and the percentiles." : string.Empty));
        Line(md);
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> spans) => TimeSpan.FromTicks((long)Stats.Median([.. spans.Select(s => (double)s.Ticks)]));

    /// <summary>"1.3 s (1.1–1.6)": the median and the range in seconds.</summary>
    private static string Seconds(IEnumerable<TimeSpan> spans)
    {
        var all = spans.Select(s => s.TotalSeconds).ToList();
        return $"{Stats.Median(all):0.0} s ({all.Min():0.0}–{all.Max():0.0})";
    }

    private static string SignedSeconds(IEnumerable<TimeSpan> spans)
    {
        var all = spans.ToList();
        return $"{LostWebhooks.AgainstExpiry(Median(all))} ({LostWebhooks.AgainstExpiry(all.Min())} to {LostWebhooks.AgainstExpiry(all.Max())})";
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min {span.Seconds} s" : $"{span.TotalSeconds:0} s";

    private static string SignedMinutes(TimeSpan span) => $"{(span < TimeSpan.Zero ? "−" : "+")} {Minutes(span.Duration())}";

    private static string Count(BasketCost basket, string kind) =>
        basket.DurableOperations.FirstOrDefault(o => o.Kind == kind) is { Kind: not null } found ? found.Count.ToString(Invariant) : "0";

    private static string AcknowledgementKinds(SettingsCost cost) =>
        string.Join("; ", cost.Acknowledgements.SelectMany(a => a.Requests.Where(r => r.IsWrite).Select(r => r.Request)).Distinct());

    /// <summary>"26 (25–31)": the median and the range of a figure over runs.</summary>
    private static string Spread(IEnumerable<int> values) => Measures.Spread.Of(values.Select(v => (double)v)).Format("0.#");

    private static void ColdStartDetails(StringBuilder md, IReadOnlyList<ColdStartResult> coldStarts)
    {
        Line(md, "## 4. Cold start");
        Line(md);
        Line(md, "Each variant publishes the function app and the bare baseline the same way; they start in turn as processes with the same " +
            "environment (Azurite and the app's settings, which the baseline ignores): the app as `run` starts it (the local host with its embedded Gateway " +
            "simulator), against a separate Gateway with the tables and queues created beforehand as the infrastructure " +
            "creates them (`Storage__CreateMissingResources=false`) and creating them itself, then the baseline. One untimed round first.");
        Line(md);
        Table(md, ["variant", "app as `run` starts it, median (min–max)", "app against a separate Gateway", "the same creating its storage", "baseline median (min–max)", "ratios", "app / baseline peak working set"],
            [.. coldStarts.Select(c => c.Error is { } error
                ? new[] { c.Variant.Name, error, "—", "—", "—", "—", "—" }
                : [c.Variant.Name, $"{c.AppMedianMs:0} ms ({c.AppMs.Min():0}–{c.AppMs.Max():0})", $"{c.DeployedMedianMs:0} ms ({c.DeployedMs.Min():0}–{c.DeployedMs.Max():0})",
                   $"{c.DeployedCreatingMedianMs:0} ms ({c.DeployedCreatingMs.Min():0}–{c.DeployedCreatingMs.Max():0})",
                   $"{c.BaselineMedianMs:0} ms ({c.BaselineMs.Min():0}–{c.BaselineMs.Max():0})", $"{c.Ratio:0.00}× / {c.DeployedRatio:0.00}× / {c.DeployedCreatingRatio:0.00}×",
                   $"{Mib(Stats.Median(c.AppPeakBytes))} / {Mib(Stats.Median(c.BaselinePeakBytes))}"])]);
        var measured = coldStarts.Where(c => c.Error is null).ToList();
        if (measured.Count > 1)
        {
            var fastest = measured.MinBy(c => c.DeployedMedianMs)!;
            Line(md, $"Fastest function-app start as deployed: **{fastest.Variant.Name}** ({fastest.DeployedMedianMs:0} ms, {fastest.DeployedRatio:0.00}× its baseline; " +
                $"{fastest.DeployedCreatingMedianMs:0} ms creating its storage, {fastest.AppMedianMs:0} ms with the embedded simulator).");
            Line(md);
        }
    }

    private static void GrowthDetails(StringBuilder md, GrowthResult growth)
    {
        var (small, large, settings) = (growth.Baseline, growth.Grown, growth.Settings);
        Line(md, "## 7. How cost grows with the transactions stored");
        Line(md);
        Line(md, "First the app tracks one basket on a name prefix of its own: the rows it writes for it are the pattern. Then for each size, on a fresh name prefix and " +
            "task hub on the same Azurite, finished transactions are stored as the app writes them, not counted: copies of those rows (the row with the final state and its published " +
            "outbox events, index row, notes reference, idempotency record) under new ids and times, and their outcome log rows appended through the app's store, " +
            $"created over the 30 days before the app's clock, one user per 10 transactions and one user holding {settings.HeavyUserTransactions} at both sizes. " +
            "Then the app starts in-process with its timer functions off (the bench invokes them) and tracks one basket to warm up. " +
            $"The task hub holds only the baskets tracked here: Durable's Instances and History rows are not seeded. Then {settings.Baskets} baskets, " +
            $"{settings.PageRequests} requests of each of that user's first two list pages one at a time, and {settings.FunctionRuns} runs of each background function after an untimed one. " +
            $"The baseline is the same with {small.Stored:N0} stored.");
        Line(md);
        string[] Both(string figure, Func<GrowthSize, string> value) => [figure, value(small), value(large)];
        var rows = new List<string[]>
        {
            Both("seeded: transactions, users, outbox events; seeding time", s => $"{s.Seed.Transactions:N0}, {s.Seed.Users:N0}, {s.Seed.OutboxEvents:N0}; {s.Seed.Took.TotalSeconds:0.0} s"),
            Both("per basket: requests (app + task hub), real time, each run", s => string.Join("; ", s.Baskets.Select(b => $"{b.Requests} ({b.AppRequests} + {b.TaskHubRequests}), {b.RealTime.TotalSeconds:0.0} s"))),
            Both("first list page: requests (min–max), latency p50 / p99 / max", s => PageFigures(s.FirstPage)),
            Both("next list page (its cursor): requests (min–max), latency p50 / p99 / max", s => PageFigures(s.NextPage)),
            Both("the first page's index query alone, from the bench's own client: p50 / p99 / max", s => Ms(s.RawIndexQuery)),
        };
        foreach (var (cost, i) in large.Background.Select((c, i) => (c, i)))
        {
            rows.Add(Both($"{cost.Function}, each run: requests (app + task hub), full-table queries, entities returned, time",
                s => string.Join("; ", s.Background[i].FunctionRuns.Select(r => $"{r.Requests} ({r.AppRequests} + {r.TaskHubRequests}), {r.FullScans}, {r.RowsRead}, {r.RealTime.TotalMilliseconds:0} ms"))));
            rows.Add(Both($"{cost.Function}: the requests of its median run", s => string.Join("; ", s.Background[i].Median.Operations)));
        }

        rows.Add(Both("background work per minute by the schedules: requests, run time", s => $"{s.BackgroundRequestsPerMinute:0.00}, {s.BackgroundMsPerMinute:0} ms"));
        Table(md, ["figure", $"{small.Stored:N0} stored", $"{large.Stored:N0} stored"], rows);
        Line(md, "Azurite keeps each table as one in-memory collection and evaluates every query's filter on all of its entities, a partition's too, and answers " +
            "a query in one response however many entities it examined. So here a full-table query costs the same requests at both sizes and shows only in time, " +
            "and a partition query's time grows with the table as well (the index query alone above). In Azure Table storage a partition query reads only its partition, " +
            "and a full-table query reads every partition and may need more requests (continuations) as the table grows. The full-table queries counted are table queries " +
            "with no condition on the partition key, the app's and the task hub's.");
        Line(md);
    }

    private static string PageFigures(PageCost page) =>
        $"{page.MedianRequests:0.#} ({page.Requests.Min()}–{page.Requests.Max()}), {Ms(page.Latency)}";

    private static string Verdict(bool met) => met ? "met" : "**missed**";

    private static bool IsWrite(string operation) => !operation.StartsWith("GET ", StringComparison.Ordinal);

    private static string Calls(IReadOnlyDictionary<string, int> calls, bool exceptCreate)
    {
        var shown = calls.Where(c => !exceptCreate || c.Key != Counting.GatewayCallCounter.Create).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        return shown.Count == 0 ? "none" : string.Join(", ", shown.Select(c => $"{c.Key} ×{c.Value}"));
    }

    private static string Ms(Load.LoadResult result) =>
        result.LatenciesMs.Length == 0 ? "—" : $"{result.Percentile(50):0.0} / {result.Percentile(99):0.0} / {result.LatenciesMs[^1]:0} ms";

    private static string Cpu(CpuPerOperation cpu) => $"{cpu.AppMs:0.00} / {cpu.AzuriteMs:0.00} / {cpu.ClientMs:0.00}";

    private static string Mib(double bytes) => $"{bytes / 1024 / 1024:0} MiB";

    private static void Table(StringBuilder md, string[] header, IEnumerable<string[]> rows)
    {
        Line(md, "| " + string.Join(" | ", header) + " |");
        Line(md, "|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in rows)
        {
            Line(md, "| " + string.Join(" | ", row.Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }

        Line(md);
    }

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');
}
