using FunctionApp.Tests.Infrastructure;
using Gateway.Simulator.Scenarios;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Tracking;

/// <summary>Fault matrix: the app's own process or storage fails in the middle of the work.</summary>
[Collection(SharedAzurite.Name)]
public sealed class ProcessFailureTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ProcessStopped_AfterHandingOverHitsBeforeProcessingThem_NextProcessCompletesFromTheTaskHub()
    {
        await using var simulator = await AppHarness.StartSimulatorAsync();
        var prefix = "k" + Guid.NewGuid().ToString("N")[..10];

        // What the stopped process had taken from the task hub comes back to the next one after this.
        var settings = new Dictionary<string, string?> { ["Durable:MessageVisibilityTimeout"] = "00:00:10" };
        string transactionId;
        await using (var dying = await AppHarness.StartOnAsync(azurite, simulator, prefix, settings))
        {
            await dying.StopTrackingWorkerAsync();
            var kit = new TrackingKit(dying);
            var created = await kit.CreateAsync(WebhookFaultTests.Basket);
            transactionId = created.TransactionId;
            await kit.ConfirmInSdkAsync(created);
            await Eventually.Until(
                () => simulator.Simulation.GetTruth(transactionId)!.Webhooks is { Count: > 0 } hooks && hooks.All(w => w.Attempts.Any(a => a.StatusCode == 200)),
                TrackingKit.Patience,
                "every webhook acknowledged");

            // Every hit is handed over (a message in the task hub), and nothing has processed them.
            Assert.NotEmpty(kit.StoredHits(transactionId));
            Assert.Equal("AwaitingUser", (await kit.ViewAsync(transactionId)).GetProperty("status").GetString());
        }

        await using var next = await AppHarness.StartOnAsync(azurite, simulator, prefix, settings);
        var successor = new TrackingKit(next);

        var truth = await successor.AssertMatchesTruthAsync(transactionId);

        Assert.Equal("COMPLETED", truth.Status.Value);
    }

    [Fact]
    public async Task OutcomesQueueUnavailable_AfterTheConfirmedChangeIsSaved_RetriedRecordSendsItsEventsOnce()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);

        // The change saves with its events, then every send fails until the queue is back; the record activity is retried.
        var outcomes = harness.Services.GetRequiredService<StorageQueues>().Queue(QueueNames.TransactionOutcomes);
        await outcomes.DeleteAsync();
        await kit.ConfirmInSdkAsync(created);
        await kit.WaitForStatusAsync(created.TransactionId, "Completed");
        var outbox = harness.Services.GetRequiredService<OutboxStore>();
        Assert.Equal(4, (await outbox.ListUnpublishedAsync(created.TransactionId, CancellationToken.None)).Count);

        await outcomes.CreateIfNotExistsAsync();

        await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Equal(4, kit.Outcomes.Count(e => e.Subject == created.TransactionId));
        Assert.Empty(await outbox.ListUnpublishedAsync(created.TransactionId, CancellationToken.None));
    }
}
