using System.Collections.Concurrent;
using System.Text.Json;
using Gateway.Client.Json;
using Gateway.Client.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Simulator.Tests;

/// <summary>One webhook POST as received: the raw body, its parse with the client's model, and the status answered.</summary>
internal sealed record ReceivedWebhook(string RawBody, GatewayWebhook Body, int AnsweredStatus)
{
    public bool Accepted => AnsweredStatus is >= 200 and < 300;
}

/// <summary>A tiny webhook endpoint on 127.0.0.1 and a free port that records every hit.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedWebhook> hits = new();
    private int hitCount;

    private WebhookReceiver(WebApplication app) => this.app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>The status to answer hit number n (1-based) with; 200 unless a test says otherwise.</summary>
    public Func<int, int> StatusFor { get; set; } = _ => StatusCodes.Status200OK;

    /// <summary>Awaited after a hit is recorded and before it is answered: lets a test keep a delivery in flight.</summary>
    public Func<Task> BeforeAnswer { get; set; } = () => Task.CompletedTask;

    public IReadOnlyList<ReceivedWebhook> Hits => [.. hits];

    /// <summary>Hits answered with a 2xx.</summary>
    public IReadOnlyList<ReceivedWebhook> Accepted => [.. hits.Where(hit => hit.Accepted)];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var raw = await reader.ReadToEndAsync();
            var status = receiver.StatusFor(Interlocked.Increment(ref receiver.hitCount));
            receiver.hits.Enqueue(new ReceivedWebhook(raw, JsonSerializer.Deserialize<GatewayWebhook>(raw, GatewayJson.Options)!, status));
            await receiver.BeforeAnswer();
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Url = new Uri(new Uri(address), "/hooks");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
