using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FunctionApp.Telemetry;
using FunctionApp.Tests.Infrastructure;
using FunctionApp.Tests.Tracking;
using TestSupport;

namespace FunctionApp.Tests.Telemetry;

/// <summary>The metrics the alert rules watch are recorded where they happen.</summary>
[Collection(SharedAzurite.Name)]
public sealed class OperationalMetricsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task TrackedBasket_RecordsWebhookLagAndOutcomePublishDelay()
    {
        var measurements = new ConcurrentBag<(string Name, double Value)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == AppMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => measurements.Add((instrument.Name, value)));
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measurements.Add((instrument.Name, value)));
        listener.Start();
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);

        await kit.ConfirmInSdkAsync(created);
        await kit.WaitUntilFinalAsync(created.TransactionId);
        await Eventually.Until(() => measurements.Any(m => m.Name == "outcomes.publish.delay"), TrackingKit.Patience, "a publication");

        var lags = measurements.Where(m => m.Name == "gateway.webhook.lag").Select(m => m.Value).ToList();
        Assert.NotEmpty(lags);
        Assert.All(lags, lag => Assert.InRange(lag, 0, 60_000));
        Assert.All(measurements.Where(m => m.Name == "outcomes.publish.delay"), m => Assert.InRange(m.Value, 0, 60_000));
        Assert.DoesNotContain(measurements, m => m.Name == "outcomes.resent" && m.Value > 0);
    }
}
