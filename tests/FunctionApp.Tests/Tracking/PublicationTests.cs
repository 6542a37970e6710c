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
}
