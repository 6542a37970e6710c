using FunctionApp.Api;
using FunctionApp.Hosting;
using FunctionApp.Tracking;
using Transactions.Storage;

namespace FunctionApp;

/// <summary>Every function of the app, declared once (see <see cref="FunctionDefinition"/>).</summary>
public static class FunctionCatalog
{
    public const string DefaultWebhookRoute = "gateway/webhooks";

    /// <summary>The function that receives the Gateway's webhooks.</summary>
    public const string WebhookFunctionName = "GatewayWebhook";

    public static IReadOnlyList<FunctionDefinition> Create(string webhookRoute) =>
    [
        new HttpFunction("Health", "health", ["GET"], HealthEndpoint.CheckAsync),
        new HttpFunction("CreateTransaction", "transactions", ["POST"], TransactionsApi.CreateAsync, RequiresUser: true),
        new HttpFunction("ListTransactions", "transactions", ["GET"], TransactionsApi.ListAsync, RequiresUser: true),
        new HttpFunction("GetTransaction", "transactions/{transactionId}", ["GET"], TransactionsApi.GetAsync, RequiresUser: true),
        new HttpFunction("PostSdkResult", "transactions/{transactionId}/sdk-result", ["POST"], TransactionsApi.PostSdkResultAsync, RequiresUser: true),
        new HttpFunction("CreateSessionToken", "session-token", ["POST"], TransactionsApi.CreateSessionTokenAsync, RequiresUser: true),
        new HttpFunction(WebhookFunctionName, webhookRoute, ["POST"], WebhookApi.ReceiveAsync),
        new TimerFunction("OutboxSweep", OutboxSweepFunction.Schedule, typeof(OutboxSweepFunction)),
    ];

    public static IReadOnlyList<FunctionDefinition> Create(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var route = configuration["Webhooks:Route"];
        return Create(string.IsNullOrWhiteSpace(route) ? DefaultWebhookRoute : route.Trim('/'));
    }
}
