using FunctionApp.Hosting;
using Gateway.Client.Auth;
using Microsoft.Azure.Functions.Worker;
using Transactions.Storage;

namespace FunctionApp.Api;

/// <summary>Anonymous health check: can the app reach its tables and read its secrets? Reveals nothing else.</summary>
public sealed class HealthEndpoint(HttpFunctionRunner http, RequestDeadlines deadlines, TransactionStore transactions, IGatewaySecretSource secrets)
{
    [Function(nameof(Health))]
    public Task<IResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        http.RunAsync(request, nameof(Health), deadlines.Api, CheckAsync);

    private async Task<IResult> CheckAsync(CancellationToken cancellationToken)
    {
        var storage = await ProbeAsync(() => transactions.GetAsync("TRX_healthprobe", cancellationToken));
        var secretAccess = await ProbeAsync(async () => await secrets.GetAsync(cancellationToken));
        var healthy = storage && secretAccess;
        var body = new { status = healthy ? "healthy" : "unhealthy", storage = storage ? "ok" : "unavailable", secrets = secretAccess ? "ok" : "unavailable" };
        return healthy ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<bool> ProbeAsync(Func<Task> probe)
    {
        try
        {
            await probe();
            return true;
        }
#pragma warning disable CA1031 // A health probe reports any failure as unhealthy; the cause is logged by the component.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
