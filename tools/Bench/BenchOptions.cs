using Bench.Hosting;
using Bench.Measures;

namespace Bench;

/// <summary>Command-line options: <c>--quick</c> (a short smoke run), <c>--only ingest,cost,coldstart,growth,tracking</c>, <c>--output FILE</c>.</summary>
public sealed record BenchOptions(bool Quick, IReadOnlySet<string> Sections, string? Output)
{
    public static readonly IReadOnlyList<string> AllSections = ["coldstart", "ingest", "cost", "growth", "tracking"];

    public IngestSettings Ingest => Quick
        ? new IngestSettings(Transactions: 50, Concurrency: 32, Warmup: TimeSpan.FromSeconds(1), Duration: TimeSpan.FromSeconds(3), LatencyDuration: TimeSpan.FromSeconds(3))
        : new IngestSettings(Transactions: 300, Concurrency: 32, Warmup: TimeSpan.FromSeconds(2), Duration: TimeSpan.FromSeconds(10), LatencyDuration: TimeSpan.FromSeconds(10));

    /// <summary>Baskets per task hub setting: a median needs three even in a smoke run.</summary>
    public const int CostRuns = 3;

    public int Acknowledgements => Quick ? 3 : 5;

    /// <summary>Idle polls back off to 30 s on Durable's defaults: the window spans several of them.</summary>
    public TimeSpan IdleWindow => TimeSpan.FromSeconds(Quick ? 90 : 180);

    public int ColdStartRuns => Quick ? 3 : 10;

    public GrowthSettings Growth => Quick
        ? new GrowthSettings(Baseline: 200, Grown: 4_000, HeavyUserTransactions: 50, Baskets: CostRuns, PageRequests: 30, FunctionRuns: 3)
        : new GrowthSettings(Baseline: 1_000, Grown: 20_000, HeavyUserTransactions: 250, Baskets: CostRuns, PageRequests: 100, FunctionRuns: 5);

    /// <summary>The tracking section: baskets per case with every webhook lost (a median needs three), the burst's size and concurrency.</summary>
    public const int LostWebhookRuns = 3;

    public int BurstBaskets => Quick ? 50 : 300;

    public const int BurstConcurrency = 16;

    public IReadOnlyList<PublishVariant> ColdStartVariants => Quick
        ? [PublishVariant.FrameworkDependent]
        : [PublishVariant.FrameworkDependent, PublishVariant.SelfContainedJit, PublishVariant.ReadyToRun, PublishVariant.ReadyToRunTrimmed];

    public bool Runs(string section) => Sections.Contains(section);

    /// <returns>Null and an error message when the arguments are not understood.</returns>
    public static (BenchOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var quick = false;
        var sections = new HashSet<string>(AllSections, StringComparer.Ordinal);
        string? output = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--only" when i + 1 < args.Count:
                    sections = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    if (sections.FirstOrDefault(s => !AllSections.Contains(s)) is { } unknown)
                    {
                        return (null, $"Unknown section '{unknown}'; sections: {string.Join(", ", AllSections)}.");
                    }

                    break;
                case "--output" when i + 1 < args.Count:
                    output = args[++i];
                    break;
                default:
                    return (null, $"Unknown argument '{args[i]}'.");
            }
        }

        return (new BenchOptions(quick, sections, output), null);
    }
}
