using Gateway.Simulator;
using Gateway.Simulator.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace LocalHost;

/// <summary>
/// Local runs without smallcase credentials: when no Gateway base URL is configured, the app starts the Gateway
/// simulator in-process, points its client at it, and has the simulator deliver webhooks to this app.
/// </summary>
public static class EmbeddedSimulator
{
    public static bool IsWanted(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration["Gateway:BaseUrl"]);

    public static RunningSimulator Start(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = SimulatorOptions.FromConfiguration(configuration.GetSection("Simulator")) with
        {
            GatewayName = configuration["Gateway:Name"] ?? "demo-gateway",
            Secret = configuration["Gateway:Secret"] ?? SimulatorOptions.LocalOnlySecret,
            ApiSecret = configuration["Gateway:ApiSecret"] ?? SimulatorOptions.LocalOnlyApiSecret,
        };
        var port = configuration.GetValue("Simulator:Port", 0);
        var simulator = SimulatorHost.StartAsync(options, CancellationToken.None, port).GetAwaiter().GetResult();
        configuration["Gateway:BaseUrl"] = simulator.BaseUri.ToString();
        return simulator;
    }

    /// <summary>Once the app listens, the simulator learns where to deliver webhooks; it stops with the app.</summary>
    public static void Attach(WebApplication app, RunningSimulator simulator, string webhookRoute)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(simulator);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            simulator.Simulation.WebhookUrl = new Uri($"{address.TrimEnd('/')}/{HttpFunctionRoute.RoutePrefix}/{webhookRoute}");
        });
        app.Lifetime.ApplicationStopped.Register(() => simulator.DisposeAsync().AsTask().GetAwaiter().GetResult());
    }
}
