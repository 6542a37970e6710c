using System.Diagnostics;
using Bench;
using Bench.Hosting;
using Bench.Measures;
using Bench.Report;
using Gateway.Simulator;
using Gateway.Simulator.Hosting;
using TestSupport;

// The bench command: prints a table of figures, each measured against a baseline in the same run on the same machine,
// and writes it to bench/results/. All load goes to 127.0.0.1 and every run is bounded. See bench/README.md.
var (options, error) = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine("usage: bash scripts/bench.sh [--quick] [--only coldstart,ingest,cost,growth,tracking] [--output FILE]");
    return 2;
}

// The in-process simulator's appsettings.json (copied beside the bench) logs at Information; the bench wants warnings only.
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");

using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(options.Quick ? 20 : 80));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
var ct = cancellation.Token;
var startedAt = DateTimeOffset.UtcNow;
var clock = Stopwatch.StartNew();
var loads = new List<(string When, string Load)> { ("start", MachineInfo.LoadAverage()) };
var machine = MachineInfo.Capture();
Console.WriteLine($"Bench on {machine.Cores} cores, load average {loads[0].Load}{(options.Quick ? " (quick)" : string.Empty)}");

var azurite = new AzuriteFixture();
await azurite.InitializeAsync();
try
{
    List<ColdStartResult>? coldStarts = null;
    if (options.Runs("coldstart"))
    {
        Console.WriteLine("4. Cold start");
        await using var gateway = await SimulatorHost.StartAsync(new SimulatorOptions { Secret = InProcessApp.Secret, ApiSecret = InProcessApp.ApiSecret }, ct);
        coldStarts = [];
        foreach (var variant in options.ColdStartVariants)
        {
            var result = await ColdStart.RunAsync(azurite, gateway.BaseUri, variant, options.ColdStartRuns, Console.WriteLine, ct);
            if (result.Error is { } failure)
            {
                Console.WriteLine($"  {variant.Name}: {failure}");
            }

            coldStarts.Add(result);
        }

        loads.Add(("after cold start", MachineInfo.LoadAverage()));
    }

    IngestResult? ingest = null;
    if (options.Runs("ingest"))
    {
        Console.WriteLine("1 and 5. Webhook ingest and memory");
        var app = await Publisher.PublishAsync(Publisher.LocalHost, "LocalHost", PublishVariant.FrameworkDependent, ct);
        ingest = await Ingest.RunAsync(app, options.Ingest, Console.WriteLine, ct);
        loads.Add(("after ingest", MachineInfo.LoadAverage()));
    }

    TransactionCostResult? cost = null;
    if (options.Runs("cost"))
    {
        Console.WriteLine("2 and 3. Storage requests and Gateway calls per transaction");
        cost = await TransactionCost.RunAsync(azurite, BenchOptions.CostRuns, options.Acknowledgements, options.IdleWindow, Console.WriteLine, ct);
    }

    GrowthResult? growth = null;
    if (options.Runs("growth"))
    {
        Console.WriteLine("7. How cost grows with the transactions stored");
        growth = await Growth.RunAsync(azurite, options.Growth, Console.WriteLine, ct);
    }

    TrackingResult? tracking = null;
    if (options.Runs("tracking"))
    {
        Console.WriteLine("3 and 6. Every webhook lost; burst throughput");
        var lost = await LostWebhooks.RunAsync(azurite, BenchOptions.LostWebhookRuns, Console.WriteLine, ct);
        var burst = await Burst.RunAsync(azurite, options.BurstBaskets, BenchOptions.BurstConcurrency, Console.WriteLine, ct);
        tracking = new TrackingResult(lost, burst);
        loads.Add(("after tracking", MachineInfo.LoadAverage()));
    }

    loads.Add(("end", MachineInfo.LoadAverage()));
    var report = ResultsReport.Render(new BenchRun(startedAt, clock.Elapsed, options.Quick, machine, loads, ingest, cost, coldStarts, growth, tracking));
    var output = options.Output ?? Path.Combine(RepoRoot.Path, "bench", "results", options.Quick ? "quick.md" : "latest.md");
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    await File.WriteAllTextAsync(output, report, ct);
    Console.WriteLine();
    Console.WriteLine(report);
    Console.WriteLine($"Written to {output}");
    return 0;
}
finally
{
    await azurite.DisposeAsync();
}
