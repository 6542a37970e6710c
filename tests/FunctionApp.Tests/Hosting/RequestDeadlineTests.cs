using System.Diagnostics;
using System.Net;
using FunctionApp.Hosting;
using FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using TestSupport;

namespace FunctionApp.Tests.Hosting;

/// <summary>
/// Storage that accepts connections but never answers (black-holed) must not hold a request for the storage clients'
/// minutes of retries: every request ends at its deadline with 503 and Retry-After, and nothing is lost.
/// </summary>
[Collection(SharedAzurite.Name)]
public sealed class RequestDeadlineTests(AzuriteFixture azurite)
{
    private const string OneStock = """[{"ticker":"RELIANCE","quantity":2,"type":"BUY"}]""";

    /// <summary>Room for the response on a slow machine: a bound, not a benchmark.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ApiDeadline = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Webhook_StorageBlackHoled_Returns503WithRetryAfterByTheDefaultDeadlineAndTheRedeliveryIsStoredOnce()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var created = await harness.CreateTransactionAsync("alice", OneStock);
        var notes = harness.Simulator.Simulation.GetTruth(created.TransactionId)!.Notes!;
        var webhook = SignedWebhook.Text(harness.Simulator.Clock, created.TransactionId, notes, SignedWebhook.NewAuthId());

        harness.Tables.BlackHole();
        harness.Queues.BlackHole();
        var clock = Stopwatch.StartNew();
        var during = await harness.PostWebhookAsync(webhook);
        var took = clock.Elapsed;
        harness.Tables.Enable();
        harness.Queues.Enable();

        during.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(during.Headers.RetryAfter);
        Assert.True(took < RequestDeadlines.DefaultWebhook + Slack, $"answered after {took}");
        Assert.Equal(0, harness.StoredHitCount(created.TransactionId));

        var redelivered = await harness.PostWebhookAsync(webhook);

        Assert.False(redelivered.AssertStatus(HttpStatusCode.OK).Json.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, harness.StoredHitCount(created.TransactionId));
        await harness.WaitForWebhookReadAsync("alice", created.TransactionId, TimeSpan.FromSeconds(30));
        Assert.Equal(1, harness.StoredHitCount(created.TransactionId));
    }

    [Fact]
    public async Task CreateAndGet_StorageBlackHoled_Return503WithRetryAfterByTheDeadlineAndWorkOnceItAnswers()
    {
        await using var harness = await AppHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Requests:Deadline"] = "00:00:03" });
        var existing = await harness.CreateTransactionAsync("alice", OneStock);
        harness.Tables.BlackHole();
        harness.Queues.BlackHole();

        var clock = Stopwatch.StartNew();
        var create = await harness.PostTransactionAsync("alice", $$"""{"securities":{{OneStock}}}""", "key-1");
        var createTook = clock.Elapsed;
        clock.Restart();
        var get = await harness.GetAsync("alice", $"/api/transactions/{existing.TransactionId}");
        var getTook = clock.Elapsed;
        harness.Tables.Enable();
        harness.Queues.Enable();

        foreach (var (response, took) in new[] { (create, createTook), (get, getTook) })
        {
            response.AssertProblem(HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.True(took < ApiDeadline + Slack, $"answered after {took}");
        }

        (await harness.PostTransactionAsync("alice", $$"""{"securities":{{OneStock}}}""", "key-1")).AssertStatus(HttpStatusCode.Created);
        (await harness.GetAsync("alice", $"/api/transactions/{existing.TransactionId}")).AssertStatus(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("Deadline", "0")]
    [InlineData("Deadline", "-00:00:01")]
    [InlineData("WebhookDeadline", "soon")]
    public void Deadlines_InvalidSetting_FailsAtStart(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"Requests:{key}"] = value }).Build();

        Assert.Throws<InvalidOperationException>(() => RequestDeadlines.FromConfiguration(configuration));
    }

    [Fact]
    public void Deadlines_Defaults_AreTenSecondsForTheApiAndFiveForWebhooks()
    {
        var deadlines = RequestDeadlines.FromConfiguration(new ConfigurationBuilder().Build());

        Assert.Equal(new RequestDeadlines(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)), deadlines);
    }
}
