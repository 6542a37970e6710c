using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Queues.Models;
using FunctionApp.Tests.Infrastructure;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Tracking;

/// <summary>How the tracker publishes a state change's events and runs wake-ups that are due when decided.</summary>
[Collection(SharedAzurite.Name)]
public sealed class PublicationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Basket_EverySavedChange_ItsEventsInOneCloudEventsBatchMessage()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);
        await kit.ConfirmInSdkAsync(created);
        await kit.WaitUntilFinalAsync(created.TransactionId);

        var messages = await ReceiveOutcomeMessagesAsync(harness, created.TransactionId);

        // Webhooks publish nothing; the confirming order-details read is one saved write: 3 × order.updated, then the outcome.
        var events = Assert.Single(messages);
        Assert.Equal(4, events.Count);
        Assert.Equal(events.Count, events.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
        var outcome = events[^1];
        Assert.Equal("final", VersionOf(outcome));
        Assert.Equal("transaction.completed", outcome.GetProperty("type").GetString());
        Assert.All(events.Where(e => VersionOf(e) != "final"), e => Assert.Equal("order.updated", e.GetProperty("type").GetString()));
        Assert.All(events, e => Assert.Equal(created.TransactionId, e.GetProperty("subject").GetString()));
    }

    [Fact]
    public async Task ConfirmDelayZero_GatewayCompleted_ConfirmingReadRunsInlineWithoutAnImmediateTimer()
    {
        var timers = new TimerSends();
        await using var harness = await AppHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Tracker:ConfirmDelay"] = "00:00:00" }, storagePolicies: [timers]);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);

        await kit.ConfirmInSdkAsync(created);
        var view = await kit.WaitUntilFinalAsync(created.TransactionId);

        Assert.Equal("Completed", view.GetProperty("status").GetString());
        Assert.Contains(TrackingKit.Timeline(view), e => e.StartsWith("order details", StringComparison.Ordinal));
        Assert.NotEmpty(timers.VisibilityTimeouts);
        Assert.DoesNotContain("0", timers.VisibilityTimeouts);
    }

    /// <summary>The events of every outcomes message about <paramref name="transactionId"/> (received once, until its outcome).</summary>
    private static async Task<IReadOnlyList<IReadOnlyList<JsonElement>>> ReceiveOutcomeMessagesAsync(AppHarness harness, string transactionId)
    {
        var queue = harness.Services.GetRequiredService<StorageQueues>().Queue(QueueNames.TransactionOutcomes);
        var received = new List<IReadOnlyList<JsonElement>>();
        await Eventually.Until(
            async () =>
            {
                QueueMessage[] messages = await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1));
                foreach (var message in messages)
                {
                    using var document = JsonDocument.Parse(message.MessageText);
                    Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
                    received.Add([.. document.RootElement.EnumerateArray().Select(e => e.Clone())]);
                }

                return received.SelectMany(events => events).Any(e => e.GetProperty("type").GetString()!.StartsWith("transaction.", StringComparison.Ordinal));
            },
            TrackingKit.Patience,
            $"the outcome of {transactionId}");
        return [.. received.Where(events => events.Any(e => e.GetProperty("subject").GetString() == transactionId))];
    }

    /// <summary>The state version in an event id ("TRX/order-v3-..." → "v3"; the outcome's "final" stands for itself).</summary>
    private static string VersionOf(JsonElement cloudEvent)
    {
        var eventId = cloudEvent.GetProperty("id").GetString()!.Split('/')[^1];
        return eventId.StartsWith("order-v", StringComparison.Ordinal) ? eventId.Split('-')[1] : eventId;
    }

    /// <summary>Records the visibility timeout (seconds, as sent) of every message sent to <c>tracker-timers</c>.</summary>
    private sealed class TimerSends : HttpPipelinePolicy
    {
        private readonly ConcurrentQueue<string> timeouts = new();

        public IReadOnlyList<string> VisibilityTimeouts => [.. timeouts];

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Record(message);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Record(message);
            return ProcessNextAsync(message, pipeline);
        }

        private void Record(HttpMessage message)
        {
            var uri = message.Request.Uri.ToUri();
            if (message.Request.Method == RequestMethod.Post && uri.AbsolutePath.EndsWith($"{QueueNames.TrackerTimers}/messages", StringComparison.Ordinal))
            {
                var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
                timeouts.Enqueue(query["visibilitytimeout"] ?? "0");
            }
        }
    }
}
