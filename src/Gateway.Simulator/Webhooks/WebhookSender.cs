using System.Net.Http.Headers;

namespace Gateway.Simulator.Webhooks;

/// <summary>The answer to one webhook POST: a status code, or why there was none.</summary>
public sealed record WebhookSendResult(int? StatusCode, string? Error);

/// <summary>POSTs webhook bodies. A non-2xx answer, a network error or a timeout is a failed attempt, never an exception.</summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient http;

    public WebhookSender(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            Timeout = options.WebhookTimeout,
        };
    }

    public async Task<WebhookSendResult> SendAsync(Uri url, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        try
        {
            using var response = await http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
            return new WebhookSendResult((int)response.StatusCode, null);
        }
        catch (HttpRequestException ex)
        {
            return new WebhookSendResult(null, $"connection failed: {ex.HttpRequestError}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookSendResult(null, "timed out");
        }
    }

    public void Dispose() => http.Dispose();
}
