using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Transactions.Storage;

namespace FunctionApp.Tests.Infrastructure;

/// <summary>Requests to the app as the platform's apps and the Gateway make them, and probes of what it stored.</summary>
public static class AppRequests
{
    public const string Basket = """
        [{"ticker":"RELIANCE","quantity":2,"type":"BUY"},{"ticker":"ITC","quantity":5,"type":"SELL"},{"ticker":"NIFTYBEES","quantity":10,"type":"BUY"}]
        """;

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<ApiResponse> SendAsync(
        this AppHarness harness, string? userId, HttpMethod method, string path, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(harness);
        using var client = harness.Client(userId);
        using var request = new HttpRequestMessage(method, path) { Content = content };
        configure?.Invoke(request);
        return await ApiResponse.ReadAsync(await client.SendAsync(request));
    }

    /// <summary>POST /api/transactions with a raw body; no Idempotency-Key header when <paramref name="idempotencyKey"/> is null.</summary>
    public static Task<ApiResponse> PostTransactionAsync(this AppHarness harness, string userId, string body, string? idempotencyKey) =>
        harness.SendAsync(userId, HttpMethod.Post, "/api/transactions", Json(body), request =>
        {
            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }
        });

    public static Task<ApiResponse> PostSdkResultAsync(this AppHarness harness, string userId, string transactionId, string body) =>
        harness.SendAsync(userId, HttpMethod.Post, $"/api/transactions/{transactionId}/sdk-result", Json(body));

    public static Task<ApiResponse> PostCancellationAsync(this AppHarness harness, string userId, string transactionId, string body) =>
        harness.SendAsync(userId, HttpMethod.Post, $"/api/transactions/{transactionId}/cancellations", Json(body));

    public static Task<ApiResponse> PostSessionTokenAsync(this AppHarness harness, string userId) =>
        harness.SendAsync(userId, HttpMethod.Post, "/api/session-token");

    public static Task<ApiResponse> GetAsync(this AppHarness harness, string userId, string path) =>
        harness.SendAsync(userId, HttpMethod.Get, path);

    public static async Task<ApiResponse> PostWebhookAsync(this AppHarness harness, string body)
    {
        ArgumentNullException.ThrowIfNull(harness);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return await ApiResponse.ReadAsync(await client.PostAsync(harness.WebhookUri, Json(body)));
    }

    /// <summary>
    /// The whole linking story: a transaction created for the user, the SDK flow done with a broker account, and the
    /// SDK result posted to the app. Returns the transaction and the smallcaseAuthId the Gateway issued.
    /// </summary>
    public static async Task<(CreatedTransactionJson Created, string SmallcaseAuthId)> LinkBrokerAccountAsync(
        this AppHarness harness, string userId, string accountId)
    {
        ArgumentNullException.ThrowIfNull(harness);
        var created = await harness.CreateTransactionAsync(userId, """[{"ticker":"ITC","quantity":1,"type":"BUY"}]""");
        var sdkResult = await harness.CompleteSdkFlowAsync(created, accountId: accountId);
        (await harness.PostSdkResultAsync(userId, created.TransactionId, sdkResult.GetRawText())).AssertStatus(HttpStatusCode.Accepted);
        return (created, harness.Simulator.Simulation.GetTruth(created.TransactionId)!.SmallcaseAuthId!);
    }

    public static T Service<T>(this AppHarness harness) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(harness);
        return harness.Services.GetRequiredService<T>();
    }

    /// <summary>Every transaction the simulated Gateway has been asked to create.</summary>
    public static int GatewayTransactionCount(this AppHarness harness)
    {
        ArgumentNullException.ThrowIfNull(harness);
        return harness.Simulator.Simulation.ListTransactions().Count;
    }

    /// <summary>How many hits (webhooks, SDK results) of a transaction the app has stored for its tracker.</summary>
    public static int StoredHitCount(this AppHarness harness, string transactionId)
    {
        ArgumentNullException.ThrowIfNull(harness);
        return harness.Signals.For(transactionId).Count;
    }

    /// <summary>How many SDK results of a transaction the app has stored for its tracker.</summary>
    public static int StoredSdkResultCount(this AppHarness harness, string transactionId)
    {
        ArgumentNullException.ThrowIfNull(harness);
        return harness.Signals.For(transactionId).Count(hit => hit.Signal.Source == global::Transactions.Orchestration.TrackerSignalSource.SdkResult);
    }

    /// <summary>
    /// Waits until the tracker has taken a webhook of the transaction and, because of it, read the Gateway: a webhook is
    /// a prompt to read, so that read is what "applied" means. Returns the timeline entries from the webhook on.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WaitForWebhookReadAsync(this AppHarness harness, string userId, string transactionId, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(harness);
        IReadOnlyList<string> fromWebhook = [];
        await TestSupport.Eventually.Until(
            async () =>
            {
                var timeline = Tracking.TrackingKit.Timeline(await harness.GetTransactionAsync(userId, transactionId));
                fromWebhook = [.. timeline.SkipWhile(entry => !entry.StartsWith("webhook", StringComparison.Ordinal))];
                return fromWebhook.Skip(1).Any(entry => entry.StartsWith("transaction details", StringComparison.Ordinal));
            },
            timeout ?? TimeSpan.FromSeconds(30),
            $"a webhook of {transactionId} to make the tracker read the Gateway");
        return fromWebhook;
    }

    /// <summary>The tracker's view of a transaction's status, read from its row.</summary>
    public static async Task<string?> StoredStatusAsync(this AppHarness harness, string transactionId) =>
        (await harness.Service<TransactionStore>().GetAsync(transactionId, CancellationToken.None))?.Record.Status;

    public static string Property(this JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new InvalidOperationException($"{name} is null.");
}
