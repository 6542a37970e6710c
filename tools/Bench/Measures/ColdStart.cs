using Bench.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using TestSupport;
using Transactions.Storage;

namespace Bench.Measures;

/// <summary>Process start to first 2xx health answer, per publish variant, for the function app and the bare baseline.</summary>
/// <param name="AppMs">The app as <c>run</c> starts it: the local host with its embedded Gateway simulator, creating missing tables and queues.</param>
/// <param name="DeployedMs">
/// The app as deployed, as near as the local host comes: no simulator (the Gateway elsewhere), and the
/// tables and queues exist already (the infrastructure creates them; <c>Storage__CreateMissingResources=false</c>).
/// </param>
/// <param name="DeployedCreatingMs">The same, creating missing tables and queues at start (the setting's default).</param>
public sealed record ColdStartResult(
    PublishVariant Variant,
    IReadOnlyList<double> AppMs,
    IReadOnlyList<double> DeployedMs,
    IReadOnlyList<double> DeployedCreatingMs,
    IReadOnlyList<double> BaselineMs,
    IReadOnlyList<long> AppPeakBytes,
    IReadOnlyList<long> BaselinePeakBytes,
    string? Error)
{
    public double AppMedianMs => Stats.Median(AppMs);

    public double DeployedMedianMs => Stats.Median(DeployedMs);

    public double DeployedCreatingMedianMs => Stats.Median(DeployedCreatingMs);

    public double BaselineMedianMs => Stats.Median(BaselineMs);

    public double Ratio => AppMedianMs / BaselineMedianMs;

    public double DeployedRatio => DeployedMedianMs / BaselineMedianMs;

    public double DeployedCreatingRatio => DeployedCreatingMedianMs / BaselineMedianMs;

    public static ColdStartResult Failed(PublishVariant variant, string error) => new(variant, [], [], [], [], [], [], error);
}

/// <summary>
/// Measure 4: each variant publishes both apps the same way, then starts them in turn (one untimed round first, to
/// warm the file cache), each as its own process with the same environment: Azurite and the app's settings, which the
/// baseline ignores. Each round starts the function app three times: as <c>run</c> starts it (embedded simulator),
/// against a separate Gateway with tables and queues created beforehand by the bench as the infrastructure creates
/// them, and against it creating them itself. (The isolated worker itself needs the Functions host, not installed here.)
/// </summary>
public static class ColdStart
{
    private const string NamePrefix = "benchcold";
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
            app = await Publisher.PublishAsync(Publisher.LocalHost, "LocalHost", variant, cancellationToken);
            baseline = await Publisher.PublishAsync(Publisher.Baseline, "Baseline", variant, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            return ColdStartResult.Failed(variant, $"publish failed: {FirstLine(ex.Message)}");
        }

        await CreateStorageAsync(azurite, cancellationToken);
        var settings = ProcessSettings.For(azurite, NamePrefix, gateway: null);
        var appRuns = new List<(double Ms, long Peak)>();
        var deployedRuns = new List<double>();
        var creatingRuns = new List<double>();
        var baselineRuns = new List<(double Ms, long Peak)>();
        try
        {
            for (var run = 0; run <= runs; run++)
            {
                var appRun = await StartOnceAsync(app, "/api/health", settings, cancellationToken);
                var deployedRun = await StartAgainstGatewayAsync(app, azurite, gateway, createStorage: false, cancellationToken);
                var creatingRun = await StartAgainstGatewayAsync(app, azurite, gateway, createStorage: true, cancellationToken);
                var baselineRun = await StartOnceAsync(baseline, "/health", settings, cancellationToken);
                if (run > 0)
                {
                    appRuns.Add(appRun);
                    deployedRuns.Add(deployedRun);
                    creatingRuns.Add(creatingRun);
                    baselineRuns.Add(baselineRun);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            return ColdStartResult.Failed(variant, $"did not start: {FirstLine(ex.Message)}");
        }

        log($"  {variant.Name}: app {Stats.Median(appRuns.Select(r => r.Ms).ToList()):0} ms, against a separate Gateway {Stats.Median(deployedRuns):0} ms " +
            $"({Stats.Median(creatingRuns):0} ms creating its storage), baseline {Stats.Median(baselineRuns.Select(r => r.Ms).ToList()):0} ms (medians of {runs})");
        return new ColdStartResult(
            variant,
            [.. appRuns.Select(r => r.Ms)],
            deployedRuns,
            creatingRuns,
            [.. baselineRuns.Select(r => r.Ms)],
            [.. appRuns.Select(r => r.Peak)],
            [.. baselineRuns.Select(r => r.Peak)],
            null);
    }

    /// <summary>Creates the app's tables and queues before any start, as the infrastructure (infra/main.bicep) does before a deployment.</summary>
    private static Task CreateStorageAsync(AzuriteFixture azurite, CancellationToken cancellationToken)
    {
        var clients = new StorageClients(new StorageOptions { ConnectionString = azurite.ConnectionString, NamePrefix = NamePrefix });
        return new StorageInitializer(clients, NullLogger<StorageInitializer>.Instance).InitializeAsync(cancellationToken);
    }

    private static async Task<double> StartAgainstGatewayAsync(string app, AzuriteFixture azurite, Uri gateway, bool createStorage, CancellationToken cancellationToken)
    {
        var settings = ProcessSettings.For(azurite, NamePrefix, gateway, createStorage);
        await using var process = AppProcess.Start(app, FreePort.Next(), settings);
        return (await process.WaitHealthyAsync("/api/health", HealthTimeout, cancellationToken)).TotalMilliseconds;
    }

    private static async Task<(double Ms, long Peak)> StartOnceAsync(
        string executable, string healthPath, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
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
