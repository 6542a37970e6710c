using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FunctionApp.Auth;

namespace Bench.Hosting;

public sealed record CreatedTransaction(string TransactionId, string GatewayToken, DateTimeOffset ExpireAt);

/// <summary>What the platform's app and its user do: create a transaction through the function app, then the SDK flow.</summary>
public static class AppCalls
{
    /// <summary>Creates a transaction for <paramref name="userId"/> through the app's endpoint (a development user token).</summary>
    public static async Task<CreatedTransaction> CreateTransactionAsync(
        HttpClient http, Uri app, string userId, string securitiesJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app, "/api/transactions"))
        {
            Content = new StringContent($$"""{"securities":{{securitiesJson}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DevelopmentUserTokens.Mint(InProcessApp.UserSigningKey, userId, TimeProvider.System));
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Create failed: {(int)response.StatusCode} {body}");
        }

        return JsonSerializer.Deserialize<CreatedTransaction>(body, JsonSerializerOptions.Web)!;
    }

    /// <summary>The user's side of the Gateway SDK on the simulator: open, choose kite, log in, confirm.</summary>
    /// <returns>The SDK's answer to the confirm (the SDK result the platform's app may post to the function app).</returns>
    public static async Task<string> CompleteSdkFlowAsync(HttpClient http, Uri simulator, CreatedTransaction created, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(created);
        var answer = string.Empty;
        foreach (var (step, body) in new (string, object)[] { ("open", new { }), ("broker", new { broker = "kite" }), ("login", new { }), ("confirm", new { }) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(simulator, $"/_sdk/transactions/{created.TransactionId}/{step}"))
            {
                Content = JsonContent.Create(body),
            };
            request.Headers.Add("x-gateway-authtoken", created.GatewayToken);
            using var response = await http.SendAsync(request, cancellationToken);
            answer = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"SDK step {step} failed: {(int)response.StatusCode} {answer}");
            }
        }

        return answer;
    }

    /// <summary>What the platform's app does with the SDK's answer: posts it to the function app for <paramref name="userId"/>.</summary>
    public static async Task PostSdkResultAsync(HttpClient http, Uri app, string userId, string transactionId, string sdkResult, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app, $"/api/transactions/{transactionId}/sdk-result"))
        {
            Content = new StringContent(sdkResult, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DevelopmentUserTokens.Mint(InProcessApp.UserSigningKey, userId, TimeProvider.System));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"SDK result refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }
}
