using Bench.Hosting;
using TestSupport;

namespace Bench.Measures;

/// <summary>Process start to first 2xx health answer, per publish variant, for the function app and the bare baseline.</summary>
/// <param name="AppMs">The app as <c>run</c> starts it: standalone, with its embedded Gateway simulator.</param>
/// <param name="DeployedMs">The app as the Functions host starts it: a custom handler on the host's port, no simulator.</param>
public sealed record ColdStartResult(
    PublishVariant Variant,
    IReadOnlyList<double> AppMs,
    IReadOnlyList<double> DeployedMs,
    IReadOnlyList<double> BaselineMs,
    IReadOnlyList<long> AppPeakBytes,
    IReadOnlyList<long> BaselinePeakBytes,
    string? Error)
{
    public double AppMedianMs => Stats.Median(AppMs);

    public double DeployedMedianMs => Stats.Median(DeployedMs);

    public double BaselineMedianMs => Stats.Median(BaselineMs);

    public double Ratio => AppMedianMs / BaselineMedianMs;

    public double DeployedRatio => DeployedMedianMs / BaselineMedianMs;
}

/// <summary>
/// Measure 4: each variant publishes both apps the same way, then starts them in turn (one untimed round first, to
/// warm the file cache), each as its own process with the same environment: Azurite and the app's settings, which the
/// baseline ignores. The function app starts twice per round: as <c>run</c> starts it (standalone, embedded
/// simulator) and as the Functions host starts it (custom handler, the Gateway elsewhere).
/// </summary>
public static class ColdStart
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ColdStartResult> RunAsync(AzuriteFixture azurite, Uri gateway, PublishVariant variant, int runs, Action<string> log, CancellationToken cancellationToken)
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
            return new ColdStartResult(variant, [], [], [], [], [], $"publish failed: {FirstLine(ex.Message)}");
        }

        var settings = ProcessSettings.For(azurite, "benchcold", gateway: null);
        var appRuns = new List<(double Ms, long Peak)>();
        var deployedRuns = new List<double>();
        var baselineRuns = new List<(double Ms, long Peak)>();
        try
        {
            for (var run = 0; run <= runs; run++)
            {
                var appRun = await StartOnceAsync(app, "/api/health", settings, customHandler: false, cancellationToken);
                var port = FreePort.Next();
                var deployedRun = await StartOnceAsync(app, "/api/health", ProcessSettings.For(azurite, "benchcold", gateway, port), customHandler: true, cancellationToken, port);
                var baselineRun = await StartOnceAsync(baseline, "/health", settings, customHandler: false, cancellationToken);
                if (run > 0)
                {
                    appRuns.Add(appRun);
                    deployedRuns.Add(deployedRun.Ms);
                    baselineRuns.Add(baselineRun);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            return new ColdStartResult(variant, [], [], [], [], [], $"did not start: {FirstLine(ex.Message)}");
        }

        log($"  {variant.Name}: app {Stats.Median(appRuns.Select(r => r.Ms).ToList()):0} ms (custom handler {Stats.Median(deployedRuns):0} ms), baseline {Stats.Median(baselineRuns.Select(r => r.Ms).ToList()):0} ms (medians of {runs})");
        return new ColdStartResult(
            variant,
            [.. appRuns.Select(r => r.Ms)],
            deployedRuns,
            [.. baselineRuns.Select(r => r.Ms)],
            [.. appRuns.Select(r => r.Peak)],
            [.. baselineRuns.Select(r => r.Peak)],
            null);
    }

    private static async Task<(double Ms, long Peak)> StartOnceAsync(
        string executable, string healthPath, IReadOnlyDictionary<string, string> settings, bool customHandler, CancellationToken cancellationToken, int? port = null)
    {
        await using var process = AppProcess.Start(executable, port ?? FreePort.Next(), settings, portFromEnvironment: customHandler);
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
