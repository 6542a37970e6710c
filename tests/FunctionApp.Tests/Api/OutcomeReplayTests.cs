using System.Net;
using System.Text.Json;
using FunctionApp.Tests.Infrastructure;
using FunctionApp.Tests.Tracking;
using FunctionApp.Tracking;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Api;

/// <summary><c>GET /api/outcomes</c>: a consumer that lost messages reads every published event again, in order, once.</summary>
[Collection(SharedAzurite.Name)]
public sealed class OutcomeReplayTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Key = "replay-test-function-key";
    private const string OneStock = """[{"ticker":"ITC","quantity":5,"type":"BUY"}]""";
    private AppHarness harness = null!;
    private TrackingKit kit = null!;

    public async Task InitializeAsync()
    {
        // A record activity that fails waits out the test before its retry: what is left unsent is the sweep's to send.
        harness = await AppHarness.StartAsync(
            azurite, new Dictionary<string, string?> { [LocalHost.HttpFunctionRoutes.FunctionKeySetting] = Key, ["Tracker:RecordRetryInitial"] = "00:10:00", ["Tracker:RecordRetryMax"] = "00:10:00" });
        kit = new TrackingKit(harness, "asha");
    }

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Replay_PagedAcrossCursors_EveryPublishedEventOnceInOrder()
    {
        var since = kit.Now.AddSeconds(-1);
        foreach (var securities in new[] { OneStock, """[{"ticker":"RELIANCE","quantity":2,"type":"BUY"},{"ticker":"INFY","quantity":3,"type":"SELL"}]""", OneStock })
        {
            var created = await kit.CreateAsync(securities);
            await kit.ConfirmInSdkAsync(created);
            await kit.WaitUntilFinalAsync(created.TransactionId);
        }

        var published = await Eventually.UntilNotNull(
            async () => (await kit.DrainOutcomesAsync()).Count(e => e.IsFinal) == 3 ? kit.Outcomes : null, TrackingKit.Patience, "the three outcomes");
        await kit.AdvanceClockAsync(OutcomeLogStore.SettledAfter);

        var replayed = new List<JsonElement>();
        var page = await GetAsync($"since={Uri.EscapeDataString(since.ToString("O"))}&limit=2");
        while (true)
        {
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= 2);
            replayed.AddRange(items);
            if (items.Count == 0)
            {
                break;
            }

            page = await GetAsync($"cursor={page.Property("nextCursor")}&limit=2");
        }

        var ids = replayed.Select(e => e.Property("id")).ToList();
        Assert.Equal(published.Select(e => e.Id).Distinct().Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var times = replayed.Select(e => e.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal(3, replayed.Count(e => e.Property("type") == "transaction.completed"));
    }

    [Fact]
    public async Task Replay_SinceAnEventId_ReturnsOnlyTheEventsAfterIt()
    {
        var first = await kit.CreateAsync(OneStock);
        await kit.ConfirmInSdkAsync(first);
        await kit.WaitUntilFinalAsync(first.TransactionId);
        var second = await kit.CreateAsync(OneStock);
        await kit.ConfirmInSdkAsync(second);
        await kit.WaitUntilFinalAsync(second.TransactionId);
        await Eventually.Until(async () => (await kit.DrainOutcomesAsync()).Count(e => e.IsFinal) == 2, TrackingKit.Patience, "both outcomes");
        await kit.AdvanceClockAsync(OutcomeLogStore.SettledAfter);

        var page = await GetAsync($"since={Uri.EscapeDataString($"{first.TransactionId}/final")}");

        var subjects = page.GetProperty("items").EnumerateArray().Select(e => e.Property("subject")).Distinct().ToList();
        Assert.Equal([second.TransactionId], subjects);
        Assert.Contains(page.GetProperty("items").EnumerateArray(), e => e.Property("id") == $"{second.TransactionId}/final");

        // An event's outcome comes after its order updates, as published: replay after one still brings the outcome.
        var firstOrderUpdate = kit.Outcomes.First(e => e.Subject == first.TransactionId && e.Type == OutcomeEvent.OrderUpdated).Id;
        var afterOrderUpdate = await GetAsync($"since={Uri.EscapeDataString(firstOrderUpdate)}");
        Assert.Equal($"{first.TransactionId}/final", afterOrderUpdate.GetProperty("items")[0].Property("id"));
    }

    [Fact]
    public async Task Replay_EventsLoggedLessThanTheSettleTimeAgo_AreServedOnlyOnceSettled()
    {
        var created = await kit.CreateAsync(OneStock);
        await kit.ConfirmInSdkAsync(created);
        await kit.WaitUntilFinalAsync(created.TransactionId);
        await Eventually.Until(async () => (await kit.DrainOutcomesAsync()).Any(e => e.IsFinal), TrackingKit.Patience, "the outcome");
        var since = Uri.EscapeDataString(kit.Now.AddMinutes(-5).ToString("O"));

        var before = await GetAsync($"since={since}");
        await kit.AdvanceClockAsync(OutcomeLogStore.SettledAfter);
        var askedAt = kit.Now;
        var after = await GetAsync($"since={since}");

        Assert.Empty(before.GetProperty("items").EnumerateArray());
        Assert.InRange(after.GetProperty("completeUntil").GetDateTimeOffset(), askedAt - OutcomeLogStore.SettledAfter, kit.Now - OutcomeLogStore.SettledAfter);
        Assert.Equal(
            ["order.updated", "transaction.completed"],
            after.GetProperty("items").EnumerateArray().Where(e => e.Property("subject") == created.TransactionId).Select(e => e.Property("type")));
    }

    [Fact]
    public async Task EventsWhoseSendingFailed_ServedFromTheLog_AndSentByTheSweepOnceTheQueueIsBack()
    {
        var outcomes = harness.Services.GetRequiredService<StorageQueues>().Queue(QueueNames.TransactionOutcomes);
        await outcomes.DeleteAsync();
        var created = await kit.CreateAsync(OneStock);
        await kit.ConfirmInSdkAsync(created);
        await kit.WaitForStatusAsync(created.TransactionId, "Completed");
        var outbox = harness.Services.GetRequiredService<OutboxStore>();
        await Eventually.Until(
            async () => (await outbox.ListUnsentFlagsAsync(DateTimeOffset.MaxValue, 10, CancellationToken.None)).Any(f => f.TransactionId == created.TransactionId),
            TrackingKit.Patience,
            "the transaction flagged unsent");
        var since = Uri.EscapeDataString(kit.Now.AddMinutes(-5).ToString("O"));

        // The sweep leaves a young flag to the record activity's retries.
        await outcomes.CreateIfNotExistsAsync();
        await SweepAsync(minutesLater: 0);
        var flaggedAfterFirstSweep = await outbox.ListUnsentFlagsAsync(DateTimeOffset.MaxValue, 10, CancellationToken.None);

        // Logged before the send failed: a consumer can read them already.
        await kit.AdvanceClockAsync(OutcomeLogStore.SettledAfter);
        var whileUnsent = await GetAsync($"since={since}");

        // An older flag it sends.
        await SweepAsync(minutesLater: 5);

        Assert.Equal(
            ["order.updated", "transaction.completed"],
            whileUnsent.GetProperty("items").EnumerateArray().Where(e => e.Property("subject") == created.TransactionId).Select(e => e.Property("type")));
        Assert.Equal([created.TransactionId], flaggedAfterFirstSweep.Select(f => f.TransactionId));
        Assert.Equal(2, (await kit.DrainOutcomesAsync()).Count(e => e.Subject == created.TransactionId));
        Assert.Empty(await outbox.ListUnpublishedAsync(created.TransactionId, CancellationToken.None));
        Assert.Empty(await outbox.ListUnsentFlagsAsync(DateTimeOffset.MaxValue, 10, CancellationToken.None));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-key")]
    public async Task Replay_WithoutTheFunctionKey_Returns401EvenForASignedInUser(string? key)
    {
        var response = await harness.SendAsync("asha", HttpMethod.Get, "/api/outcomes?since=2026-11-27T00:00:00Z", configure: request =>
        {
            if (key is not null)
            {
                request.Headers.Add("x-functions-key", key);
            }
        });

        response.AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("", "since")]
    [InlineData("since=2026-11-27T00:00:00Z&cursor=MjAyNjExMjcwMDAwMDAwMDAwMDAw", "since")]
    [InlineData("since=2026-11-27", "since")]
    [InlineData("since=2026-11-27T10:00:00", "since")]
    [InlineData("since=TRX_0123456789abcdef0123456789abcdef%2Ffinal", "since")]
    [InlineData("cursor=bm90IGEgY3Vyc29y", "cursor")]
    [InlineData("since=2026-11-27T00:00:00Z&limit=0", "limit")]
    [InlineData("since=2026-11-27T00:00:00Z&limit=201", "limit")]
    public async Task Replay_InvalidQuery_Returns400NamingTheParameter(string query, string field)
    {
        var response = await harness.SendAsync(null, HttpMethod.Get, $"/api/outcomes?{query}", configure: request => request.Headers.Add("x-functions-key", Key));

        response.AssertValidationProblem(field);
    }

    private async Task<JsonElement> GetAsync(string query)
    {
        var response = await harness.SendAsync(null, HttpMethod.Get, $"/api/outcomes?{query}", configure: request => request.Headers.Add("x-functions-key", Key));
        return response.AssertStatus(HttpStatusCode.OK).Json;
    }

    /// <summary>The outbox sweep as it runs <paramref name="minutesLater"/> minutes from now on the app's (simulated) clock.</summary>
    private async Task SweepAsync(int minutesLater)
    {
        var sweep = ActivatorUtilities.CreateInstance<OutboxSweepFunction>(harness.Services, (TimeProvider)new FakeTimeProvider(kit.Now.AddMinutes(minutesLater)));
        await sweep.RunAsync(new TimerInfo(), CancellationToken.None);
    }
}
