using Gateway.Client.Auth;
using Gateway.Simulator.Clock;
using Gateway.Simulator.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Simulator.Hosting;

/// <summary>Hosts the simulator in-process on 127.0.0.1 and a free port, for tests and for the function app's run command.</summary>
public static class SimulatorHost
{
    /// <param name="port">The loopback port to listen on; 0 picks a free one.</param>
    public static async Task<RunningSimulator> StartAsync(SimulatorOptions options, CancellationToken cancellationToken, int port = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = SimulatorApp.Build(builder, options);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new RunningSimulator(app, new Uri(address));
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

/// <summary>A simulator running in-process: where it listens, its clock, and its state for assertions. Dispose to stop it.</summary>
public sealed class RunningSimulator : IAsyncDisposable
{
    private readonly WebApplication app;

    internal RunningSimulator(WebApplication app, Uri baseUri)
    {
        this.app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public SimulatorOptions Options => app.Services.GetRequiredService<SimulatorOptions>();

    public SimulatorClock Clock => app.Services.GetRequiredService<SimulatorClock>();

    public Simulation Simulation => app.Services.GetRequiredService<Simulation>();

    /// <summary>Mints tokens signed with the simulator's Secret, on the simulated clock.</summary>
    public GatewayTokens Tokens => app.Services.GetRequiredService<GatewayTokens>();

    /// <summary>Runs the market and webhook work due at the clock's now; returns when it is done.</summary>
    public Task RunDueWorkAsync(CancellationToken cancellationToken) => Simulation.RunDueWorkAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
