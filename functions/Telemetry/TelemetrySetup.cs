using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FunctionApp.Telemetry;

public static class TelemetrySetup
{
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string ConsoleSetting = "Telemetry:Console";

    /// <summary>
    /// OpenTelemetry traces and metrics for ASP.NET Core, HttpClient (the Gateway calls) and the app's own meter;
    /// exported to Azure Monitor (with the logs) when its connection string is set, to the console when asked for.
    /// With neither, no OpenTelemetry pipeline is built: nothing would read what it collects, and building it and its
    /// instrumentation costs every start and every request. The app's meter (<see cref="AppMetrics"/>) works either way.
    /// </summary>
    public static IServiceCollection AddAppTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var azureMonitor = configuration[AzureMonitorSetting];
        var console = configuration.GetValue<bool>(ConsoleSetting);
        services.AddSingleton<AppMetrics>();
        if (!string.IsNullOrWhiteSpace(azureMonitor) || console)
        {
            AddOpenTelemetry(services, azureMonitor, console);
        }

        return services;
    }

    private static void AddOpenTelemetry(IServiceCollection services, string? azureMonitor, bool console)
    {
        if (!string.IsNullOrWhiteSpace(azureMonitor))
        {
            services.AddLogging(logging => logging.AddOpenTelemetry(otel => otel.AddAzureMonitorLogExporter(o => o.ConnectionString = azureMonitor)));
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("smallcase-gateway-functions"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(AppMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (!string.IsNullOrWhiteSpace(azureMonitor))
                {
                    tracing.AddAzureMonitorTraceExporter(o => o.ConnectionString = azureMonitor);
                }

                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(AppMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (!string.IsNullOrWhiteSpace(azureMonitor))
                {
                    metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = azureMonitor);
                }

                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            });
    }
}
