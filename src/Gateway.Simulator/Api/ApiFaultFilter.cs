using Gateway.Simulator.Scenarios;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Simulator.Api;

/// <summary>
/// Applies the next armed fault of one Gateway API before the call is handled (as a proxy in front of the Gateway
/// would): an error status, a hang that ends with a dropped connection, or a slow answer. Hangs are real time,
/// capped by the MaxApiHang option, and end early when the client goes away or the simulator stops.
/// </summary>
internal sealed class ApiFaultFilter(string api) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var fault = services.GetRequiredService<ApiFaultBoard>().TryTake(api);
        if (fault is null)
        {
            return await next(context).ConfigureAwait(false);
        }

        var logger = services.GetRequiredService<ILogger<ApiFaultFilter>>();
        Log.FaultInjected(logger, fault.Kind, api);
        var maxHang = services.GetRequiredService<SimulatorOptions>().MaxApiHang;
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        switch (fault.Kind)
        {
            case ApiFaultKind.Timeout:
                await HangAsync(Min(fault.Duration ?? maxHang, maxHang), http.RequestAborted, stopping).ConfigureAwait(false);
                http.Abort();
                return Results.Empty;
            case ApiFaultKind.Slow:
                await HangAsync(Min(fault.Duration ?? ApiFault.DefaultSlowDuration, maxHang), http.RequestAborted, stopping).ConfigureAwait(false);
                return await next(context).ConfigureAwait(false);
            default:
                return GatewayResults.Failure(fault.Status, GatewayErrorTypes.SimulatedFault, [$"Simulated fault: HTTP {fault.Status}."]);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static async Task HangAsync(TimeSpan duration, CancellationToken requestAborted, CancellationToken stopping)
    {
        using var hang = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, stopping);
        try
        {
            await Task.Delay(duration, hang.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (hang.IsCancellationRequested)
        {
            // The client gave up or the simulator is stopping: either way the hang is over.
        }
    }
}
