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
    IReadOnlyList<ColdStartResult>? ColdStarts);

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


        if (run.ColdStarts is { } coldStarts)
        {
            ColdStartDetails(md, coldStarts);
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
                rows.Add(["1", $"Webhook ingest, {mode.Mode}: signed hits accepted and stored per second, concurrency {ingest.Settings.Concurrency}",
                    $"{mode.Max.Rate:0}/s", $"{mode.BaselineRate:0}/s single-entity Table inserts", $"{mode.Ratio:0.00}", "≥ 0.80", Verdict(mode.Ratio >= 0.8)]);
            }

            foreach (var mode in ingest.Modes)
            {
                rows.Add(["1", $"Webhook ingest, {mode.Mode}, against raw sends of the one message the app writes per hit",
                    $"{mode.Max.Rate:0}/s", $"{mode.QueueSends.Rate:0}/s queue sends", $"{mode.QueueRatio:0.00}", "(reported)", "—"]);
            }

            foreach (var mode in ingest.Modes)
            {
                rows.Add(["1", $"Acknowledgement latency p50 / p99, {mode.Mode}, open loop at {mode.LatencyRate:0}/s (half the max)",
                    $"{mode.Latency.Percentile(50):0.0} / {mode.Latency.Percentile(99):0.0} ms",
                    $"{mode.BaselineLatency.Percentile(50):0.0} / {mode.BaselineLatency.Percentile(99):0.0} ms single inserts at the same rate",
                    "—", "p99 ≤ 20 ms", Verdict(mode.Latency.Percentile(99) <= 20)]);
            }
        }

        if (run.Cost is { } cost)
        {
            rows.Add(["2", "Storage requests per tracked 3-stock basket (create → placed → completed → confirmed → outcome published): the app's own",
                cost.Total.ToString(Invariant), "—", "—", "≤ 16", Verdict(cost.Total <= 16)]);
            rows.Add(["2", "The same with the durable task hub's tables, queues and blobs (idle polls and lease renewals excluded)",
                $"{cost.Total + cost.DurableTotal} ({cost.Total} + {cost.DurableTotal})", "Durable defaults: not measured yet", "—", "≤ 26", Verdict(cost.Total + cost.DurableTotal <= 26)]);
            rows.Add(["2", "Storage requests per minute of one idle host (the app's own + the durable runtime's)",
                $"{cost.IdlePerMinute.App + cost.IdlePerMinute.Durable:0} ({cost.IdlePerMinute.App:0} + {cost.IdlePerMinute.Durable:0})", "Durable defaults: not measured yet", "—", "(reported)", "—"]);
            rows.Add(["2", "Writes of the transaction row per tracker state change",
                $"{cost.StateRowWrites} writes / {cost.StateVersions} states", "—", $"{(double)cost.StateRowWrites / cost.StateVersions:0.00}", "≤ 1", Verdict(cost.StateRowWrites <= cost.StateVersions)]);
            var tracking = cost.GatewayCalls.Where(c => c.Key != Counting.GatewayCallCounter.Create).Sum(c => c.Value);
            rows.Add(["3", "Gateway calls per transaction while webhooks arrive (besides the create call): the webhooks of an order filled at once are one burst",
                $"{tracking} ({Calls(cost.GatewayCalls, exceptCreate: true)})", "—", "—", "≤ 1 order-details read per webhook burst",
                Verdict(cost.GatewayCalls.GetValueOrDefault(Counting.GatewayCallCounter.OrderDetails) <= 1)]);
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

        Table(md, ["#", "figure", "measured", "baseline", "ratio", "target", "result"], rows);
    }

    private static void IngestDetails(StringBuilder md, IngestResult ingest)
    {
        var s = ingest.Settings;
        Line(md, "## 1. Webhook ingest");
        Line(md);
        Line(md, $"Each mode: on a fresh Azurite, baseline inserts, then the app ({s.Transactions} transactions created through it first; {s.Concurrency} concurrent clients " +
            $"for {s.Duration.TotalSeconds:0} s after a {s.Warmup.TotalSeconds:0} s warm-up), then baseline inserts again; then, on a fresh Azurite, raw sends of the message the app writes per hit (same body, same queue client settings); then, on another fresh Azurite and app process, " +
            $"the open-loop latency run at half the app's max rate for {s.LatencyDuration.TotalSeconds:0} s (latency from each request's scheduled start), then single inserts at the same rate.");
        Line(md);
        var rows = new List<string[]>();
        foreach (var mode in ingest.Modes)
        {
            rows.Add([$"{mode.Mode}: baseline Table inserts, before", $"{mode.BaselineBefore.Rate:0}/s", mode.BaselineBefore.Failed.ToString(Invariant), Ms(mode.BaselineBefore), Cpu(mode.BaselineBeforeCpu)]);
            rows.Add([$"{mode.Mode}: **app, max rate**", $"{mode.Max.Rate:0}/s", mode.Max.Failed.ToString(Invariant), Ms(mode.Max), Cpu(mode.MaxCpu)]);
            rows.Add([$"{mode.Mode}: baseline Table inserts, after", $"{mode.BaselineAfter.Rate:0}/s", mode.BaselineAfter.Failed.ToString(Invariant), Ms(mode.BaselineAfter), Cpu(mode.BaselineAfterCpu)]);
            rows.Add([$"{mode.Mode}: raw sends of a tracker-signal-sized message (fresh Azurite)", $"{mode.QueueSends.Rate:0}/s", mode.QueueSends.Failed.ToString(Invariant), Ms(mode.QueueSends), Cpu(mode.QueueSendsCpu)]);
            rows.Add([$"{mode.Mode}: app, open loop at {mode.LatencyRate:0}/s (fresh Azurite and app)", $"{mode.Latency.Rate:0}/s", $"{mode.Latency.Failed} (+{mode.Latency.Skipped} skipped)", Ms(mode.Latency), "—"]);
            rows.Add([$"{mode.Mode}: baseline inserts, open loop at {mode.LatencyRate:0}/s (same Azurite, after)", $"{mode.BaselineLatency.Rate:0}/s", $"{mode.BaselineLatency.Failed} (+{mode.BaselineLatency.Skipped} skipped)", Ms(mode.BaselineLatency), "—"]);
        }

        Table(md, ["run", "rate", "failed", "latency p50 / p99 / max", "CPU ms per operation: app / Azurite / bench client"], rows);
        Line(md, "The bench client's own garbage-collection pauses during the open-loop runs (they count as latency for the app and the baseline alike): " +
            string.Join("; ", ingest.Modes.Select(m => $"{m.Mode}: {m.Latency.ClientGcPause.TotalMilliseconds:0} ms and {m.BaselineLatency.ClientGcPause.TotalMilliseconds:0} ms")) + ".");
        Line(md);
        Line(md, "Memory (measure 5): the app runs as its own process; VmHWM is its peak resident set since start, read before it is stopped (the higher of its two processes). " +
            string.Join("; ", ingest.Modes.Select(m => $"{m.Mode}: {Mib(m.IdleWorkingSetBytes)} after setup, {Mib(m.PeakWorkingSetBytes)} peak")) + ".");
        Line(md);
    }

    private static void CostDetails(StringBuilder md, TransactionCostResult cost)
    {
        Line(md, "## 2. Storage requests per tracked transaction");
        Line(md);
        Line(md, $"Runs: {string.Join(", ", cost.TotalsPerRun)} requests (each a new user's first basket); the breakdown is the median run's. " +
            $"Each retry attempt would count on its own (none happened). Not counted: {cost.Background} background requests in the window " +
            "(idle polls, outbox sweeps), which cost per second, not per transaction. Run totals include the task hub's requests below.");
        Line(md);
        Table(md, ["operation (method, table or queue, kind)", "count", "write"],
            [.. cost.Operations.Select(o => new[] { o.Operation, o.Count.ToString(Invariant), IsWrite(o.Operation) ? "yes" : "" }),
             ["**total**", $"**{cost.Total}**", $"{cost.Writes} writes"]]);
        Line(md);
        Line(md, $"Gateway calls in the same window: {Calls(cost.GatewayCalls, exceptCreate: false)}. Real time from create to published outcome: {cost.RealTime.TotalSeconds:0.0} s " +
            "(confirm delay set to 1 s for the bench; production waits 15 s).");
        Line(md);
        Line(md, $"The durable runtime's requests in the same window (the local host's task hub: 1 partition, 0.2 s longest idle poll interval); " +
            $"not counted: {cost.DurableBackground} idle polls and partition lease renewals.");
        Line(md);
        Table(md, ["task hub request", "count"],
            [.. cost.DurableOperations.Select(o => new[] { o.Kind, o.Count.ToString(Invariant) }), ["**total**", $"**{cost.DurableTotal}**"]]);
        Line(md);
    }

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
