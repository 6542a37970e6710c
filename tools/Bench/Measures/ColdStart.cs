using Bench.Hosting;
using TestSupport;

namespace Bench.Measures;

/// <summary>Process start to first 2xx health answer, per publish variant, for the function app and the bare baseline.</summary>
public sealed record ColdStartResult(
    PublishVariant Variant,
    IReadOnlyList<double> AppMs,
    IReadOnlyList<double> BaselineMs,
    IReadOnlyList<long> AppPeakBytes,
    IReadOnlyList<long> BaselinePeakBytes,
    string? Error)
{
    public double AppMedianMs => Stats.Median(AppMs);

    public double BaselineMedianMs => Stats.Median(BaselineMs);

    public double Ratio => AppMedianMs / BaselineMedianMs;
}

/// <summary>
/// Measure 4: each variant publishes both apps the same way, then starts them alternately (one untimed start each
/// first, to warm the file cache), each as its own process with the same environment: Azurite and settings; the
/// function app starts its embedded simulator as <c>run</c> does, the baseline ignores the settings.
/// </summary>
public static class ColdStart
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ColdStartResult> RunAsync(AzuriteFixture azurite, PublishVariant variant, int runs, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(log);
        string app;
        string baseline;
        try
        {
            log($"  publishing ({variant.Name})...");
            app = await Publisher.PublishAsync(Publisher.FunctionApp, "handler", variant, cancellationToken);
            baseline = await Publisher.PublishAsync(Publisher.Baseline, "Baseline", variant, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            return new ColdStartResult(variant, [], [], [], [], $"publish failed: {FirstLine(ex.Message)}");
        }

        var settings = ProcessSettings.For(azurite, "benchcold", gateway: null);
        var appRuns = new List<(double Ms, long Peak)>();
        var baselineRuns = new List<(double Ms, long Peak)>();
        try
        {
            for (var run = 0; run <= runs; run++)
            {
                var appRun = await StartOnceAsync(app, "/api/health", settings, cancellationToken);
                var baselineRun = await StartOnceAsync(baseline, "/health", settings, cancellationToken);
                if (run > 0)
                {
                    appRuns.Add(appRun);
                    baselineRuns.Add(baselineRun);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            return new ColdStartResult(variant, [], [], [], [], $"did not start: {FirstLine(ex.Message)}");
        }

        log($"  {variant.Name}: app {Stats.Median(appRuns.Select(r => r.Ms).ToList()):0} ms, baseline {Stats.Median(baselineRuns.Select(r => r.Ms).ToList()):0} ms (medians of {runs})");
        return new ColdStartResult(
            variant,
            [.. appRuns.Select(r => r.Ms)],
            [.. baselineRuns.Select(r => r.Ms)],
            [.. appRuns.Select(r => r.Peak)],
            [.. baselineRuns.Select(r => r.Peak)],
            null);
    }

    private static async Task<(double Ms, long Peak)> StartOnceAsync(string executable, string healthPath, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        await using var process = AppProcess.Start(executable, FreePort.Next(), settings);
        var elapsed = await process.WaitHealthyAsync(healthPath, HealthTimeout, cancellationToken);
        return (elapsed.TotalMilliseconds, process.PeakWorkingSet);
    }

    /// <summary>The first line that names an error (a compiler or publish error), else the first line.</summary>
    private static string FirstLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) && !l.StartsWith("dotnet publish", StringComparison.Ordinal))
            ?? lines.FirstOrDefault() ?? text;
    }
}
