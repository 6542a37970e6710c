using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FunctionApp.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FunctionApp.Tests.Hosting;

public sealed class HostInvocationTests : IAsyncLifetime
{
    private static readonly QueueFunction Queue = new("Echo", "echo", typeof(RecordingHandler));
    private static readonly TimerFunction Timer = new("Tick", "0 0 * * * *", typeof(RecordingHandler));
    private readonly RecordingHandler handler = new();
    private WebApplication app = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(handler);
        builder.Services.AddSingleton<FunctionInvoker>();
        app = builder.Build();
        app.MapFunctions([Queue, Timer]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Post_QueuePayload_InvokesHandlerWithMessageAndMetadata()
    {
        var response = await http.PostAsync("/Echo", Json("""
            {"Data":{"message":"{\"transactionId\":\"TRX_1\"}"},"Metadata":{"DequeueCount":"3","Id":"msg-1","sys":{"MethodName":"Echo"}}}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.TryGetProperty("Outputs", out _));
        Assert.True(body.TryGetProperty("Logs", out _));
        Assert.True(body.TryGetProperty("ReturnValue", out _));
        var invocation = Assert.Single(handler.QueueInvocations);
        Assert.Equal(new QueueInvocation("Echo", """{"transactionId":"TRX_1"}""", "msg-1", 3), invocation);
    }

    [Fact]
    public async Task Post_QueuePayloadWithObjectMessage_PassesRawJson()
    {
        await http.PostAsync("/Echo", Json("""{"Data":{"message":{"a":1}},"Metadata":{"DequeueCount":1}}"""));

        Assert.Equal("""{"a":1}""", Assert.Single(handler.QueueInvocations).MessageText);
    }

    [Fact]
    public async Task Post_HandlerThrows_AnswersNon2xxSoTheHostRetries()
    {
        handler.FailWith = new InvalidOperationException("boom");

        var response = await http.PostAsync("/Echo", Json("""{"Data":{"message":"x"},"Metadata":{}}"""));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Echo failed", body.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_TimerPayload_InvokesTimerHandler()
    {
        var response = await http.PostAsync("/Tick", Json("""{"Data":{"timer":{"Schedule":{},"IsPastDue":true}},"Metadata":{}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new TimerInvocation("Tick", IsPastDue: true), Assert.Single(handler.TimerInvocations));
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private sealed class RecordingHandler : IQueueFunctionHandler, ITimerFunctionHandler
    {
        public List<QueueInvocation> QueueInvocations { get; } = [];

        public List<TimerInvocation> TimerInvocations { get; } = [];

        public Exception? FailWith { get; set; }

        public Task HandleAsync(QueueInvocation invocation, CancellationToken cancellationToken)
        {
            QueueInvocations.Add(invocation);
            return FailWith is null ? Task.CompletedTask : Task.FromException(FailWith);
        }

        public Task HandleAsync(TimerInvocation invocation, CancellationToken cancellationToken)
        {
            TimerInvocations.Add(invocation);
            return Task.CompletedTask;
        }
    }
}
