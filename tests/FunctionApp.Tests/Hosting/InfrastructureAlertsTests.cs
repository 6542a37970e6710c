using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using FunctionApp.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using TestSupport;

namespace FunctionApp.Tests.Hosting;

/// <summary>The alert rules in Bicep query metrics by name: each name must be one the app emits.</summary>
public sealed partial class InfrastructureAlertsTests
{
    [Fact]
    public void AlertRules_QueryOnlyMetricsTheAppEmits()
    {
        var bicep = File.ReadAllText(Path.Combine(RepoRoot.Path, "infra", "modules", "alerts.bicep"));
        var queried = MetricName().Matches(bicep).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(5, queried.Count);
        Assert.All(queried, name => Assert.Contains(name, EmittedMetricNames()));
        Assert.Equal(
            ["gateway.webhook.lag", "outcomes.poison", "outcomes.publish.delay", "outcomes.resent", "tracker.stuck"],
            queried.Order(StringComparer.Ordinal));
    }

    private static List<string> EmittedMetricNames()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var names = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == AppMetrics.MeterName)
                {
                    names.Add(instrument.Name);
                }
            },
        };
        listener.Start();
        _ = new AppMetrics(services.GetRequiredService<IMeterFactory>());
        return names;
    }

    [GeneratedRegex(@"name == \\'([a-z_.]+)\\'")]
    private static partial Regex MetricName();
}
