using System.Diagnostics.Metrics;
using FunctionApp.Telemetry;
using FunctionApp.Tests.Infrastructure;
using FunctionApp.Tracking;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using TestSupport;

namespace FunctionApp.Tests.Tracking;

/// <summary>The maintenance timer functions on the real task hub (Azurite): purge after retention, stuck count.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TrackingMaintenanceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Purge_FinishedTrackingPastRetention_PurgedAndRunningOneKept()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var (finished, running) = await FinishedAndRunningAsync(kit);
        var client = harness.Services.GetRequiredService<DurableTaskClient>();

        await Functions(harness, kit.Now).PurgeAsync(new TimerInfo(), client, CancellationToken.None);
        Assert.NotNull(await client.GetInstanceAsync(finished));

        // Once the day it finished has passed the purge age.
        await Functions(harness, kit.Now.AddDays(31)).PurgeAsync(new TimerInfo(), client, CancellationToken.None);

        Assert.Null(await client.GetInstanceAsync(finished));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await client.GetInstanceAsync(running))?.RuntimeStatus);
        Assert.Equal("Completed", (await kit.ViewAsync(finished)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task CountStuck_RunningPastThreshold_CountedOnlyThen()
    {
        var runtime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await StartAsync(runtime);
        var kit = new TrackingKit(harness);
        var (_, running) = await FinishedAndRunningAsync(kit);
        var client = harness.Services.GetRequiredService<DurableTaskClient>();
        using var stuck = new MetricCollector<long>(harness.Services.GetRequiredService<IMeterFactory>(), AppMetrics.MeterName, "tracker.stuck");
        var functions = Functions(harness);

        await functions.CountStuckAsync(new TimerInfo(), client, CancellationToken.None);
        runtime.Advance(TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1));
        await functions.CountStuckAsync(new TimerInfo(), client, CancellationToken.None);

        Assert.Equal([0L, 1L], stuck.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await client.GetInstanceAsync(running))?.RuntimeStatus);
    }

    private Task<AppHarness> StartAsync(FakeTimeProvider runtime) =>
        AppHarness.StartAsync(azurite, replaceServices: services => services.AddSingleton(new DurableRuntimeClock(runtime)));

    private static TrackingMaintenanceFunctions Functions(AppHarness harness) =>
        ActivatorUtilities.CreateInstance<TrackingMaintenanceFunctions>(harness.Services);

    /// <summary>The functions as they run at <paramref name="now"/> on the app's clock.</summary>
    private static TrackingMaintenanceFunctions Functions(AppHarness harness, DateTimeOffset now) =>
        ActivatorUtilities.CreateInstance<TrackingMaintenanceFunctions>(harness.Services, (TimeProvider)new FakeTimeProvider(now));

    /// <summary>One transaction walked to Completed and one the user has not opened yet (its tracking waits).</summary>
    private static async Task<(string Finished, string Running)> FinishedAndRunningAsync(TrackingKit kit)
    {
        var finished = await kit.CreateAsync(WebhookFaultTests.Basket);
        await kit.ConfirmInSdkAsync(finished);
        await kit.WaitUntilFinalAsync(finished.TransactionId);
        var running = await kit.CreateAsync(WebhookFaultTests.Basket);
        var client = kit.Harness.Services.GetRequiredService<DurableTaskClient>();
        await Eventually.Until(
            async () => (await client.GetInstanceAsync(running.TransactionId))?.RuntimeStatus == OrchestrationRuntimeStatus.Running
                && (await client.GetInstanceAsync(finished.TransactionId))?.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            TrackingKit.Patience,
            "one tracking completed and one running");
        return (finished.TransactionId, running.TransactionId);
    }
}
