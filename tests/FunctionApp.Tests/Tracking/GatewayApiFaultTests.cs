using System.Diagnostics.Metrics;
using FunctionApp.Telemetry;
using FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Gateway.Simulator;
using Gateway.Simulator.Scenarios;
using TestSupport;

namespace FunctionApp.Tests.Tracking;

/// <summary>Fault matrix: the Gateway's details APIs fail (5xx, timeouts) while the tracker depends on polling.</summary>
[Collection(SharedAzurite.Name)]
public sealed class GatewayApiFaultTests(AzuriteFixture azurite)
{
    /// <summary>A failed poll is retried after a second, not the default 15 s, so the test runs in real time.</summary>
    private static readonly Dictionary<string, string?> FastPollRetry = new() { ["Tracker:PollRetryInitial"] = "00:00:01" };

    [Fact]
    public async Task DetailsApis_AnswerWith5xx_FailedPollsRetriedUntilTheTruthIsRead()
    {
        await using var harness = await AppHarness.StartAsync(azurite, FastPollRetry, AppHarness.ShortLived);
        using var calls = GatewayCalls(harness);
        var kit = new TrackingKit(harness);
        // Each call is tried 4 times: 8 failures fail at least one whole poll even if two timers poll at once.
        var created = await kit.CreateAsync(WebhookFaultTests.Basket, new Scenario
        {
            Webhooks = new WebhookFaults { Drop = ["all"] },
            ApiFaults = new Dictionary<string, ApiFault>
            {
                [ApiNames.TransactionDetails] = new() { Kind = ApiFaultKind.Status, Status = 503, Count = 8 },
                [ApiNames.OrderDetails] = new() { Kind = ApiFaultKind.Status, Status = 500, Count = 8 },
            },
        });
        await kit.ConfirmInSdkAsync(created);

        await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Empty(kit.Simulation.Faults.Snapshot());
        Assert.Contains(("TransactionDetails", "Unavailable"), FailedPolls(calls));
        Assert.Contains(("OrderDetails", "Unavailable"), FailedPolls(calls));
    }

    [Fact]
    public async Task DetailsApis_TimeOut_FailedPollsRetriedUntilTheTruthIsRead()
    {
        var settings = new Dictionary<string, string?>(FastPollRetry) { ["Gateway:AttemptTimeout"] = "00:00:02", ["Gateway:OverallTimeout"] = "00:00:05" };
        await using var harness = await AppHarness.StartAsync(azurite, settings, AppHarness.ShortLived with { MaxApiHang = TimeSpan.FromSeconds(3) });
        using var calls = GatewayCalls(harness);
        var kit = new TrackingKit(harness);
        // Attempts time out after 2 s and calls after 5 s: three hanging answers fail one whole poll, six fail one
        // even if two timers poll at once.
        var created = await kit.CreateAsync(WebhookFaultTests.Basket, new Scenario
        {
            Webhooks = new WebhookFaults { Drop = ["all"] },
            ApiFaults = new Dictionary<string, ApiFault>
            {
                [ApiNames.TransactionDetails] = new() { Kind = ApiFaultKind.Timeout, Count = 6 },
                [ApiNames.OrderDetails] = new() { Kind = ApiFaultKind.Timeout, Count = 3 },
            },
        });
        await kit.ConfirmInSdkAsync(created);

        await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Empty(kit.Simulation.Faults.Snapshot());
        Assert.Contains(("TransactionDetails", "Timeout"), FailedPolls(calls));
        Assert.Contains(("OrderDetails", "Timeout"), FailedPolls(calls));
    }

    /// <summary>The app's Gateway call metric: one measurement per poll, tagged with the API and the outcome.</summary>
    private static MetricCollector<double> GatewayCalls(AppHarness harness) =>
        new(harness.Services.GetRequiredService<IMeterFactory>(), AppMetrics.MeterName, "gateway.call.duration");

    /// <summary>Which polls failed, as (API, failure kind). Several timers of one version may each poll, so the
    /// timeline (which only shows results that changed the state) is not the place to count them.</summary>
    private static IReadOnlyList<(string?, string?)> FailedPolls(MetricCollector<double> calls) =>
        [.. calls.GetMeasurementSnapshot()
            .Where(m => m.Tags["outcome"] as string != "ok")
            .Select(m => (m.Tags["operation"] as string, m.Tags["outcome"] as string))];
}
