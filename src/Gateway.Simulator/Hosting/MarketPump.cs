using Gateway.Simulator.Engine;
using Microsoft.Extensions.Hosting;

namespace Gateway.Simulator.Hosting;

/// <summary>
/// Runs the simulation's due work every <see cref="SimulatorOptions.PumpInterval"/> of real time, so a running clock
/// moves the market and delivers webhooks by itself. Disabled when the interval is zero.
/// </summary>
internal sealed class MarketPump(Simulation simulation, SimulatorOptions options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.PumpInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.PumpInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await simulation.RunDueWorkAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
