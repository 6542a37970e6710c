using FunctionApp.Hosting;
using Microsoft.Extensions.Hosting;
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
    public async Task ProcessKilled_AfterStoringHitsBeforeProcessingThem_NextProcessCompletesFromStorage()
    {
        await using var simulator = await AppHarness.StartSimulatorAsync();
        var prefix = "k" + Guid.NewGuid().ToString("N")[..10];
        string transactionId;
        await using (var dying = await AppHarness.StartOnAsync(azurite, simulator, prefix))
        {
            await StopQueueListenersAsync(dying);
            var kit = new TrackingKit(dying);
            var created = await kit.CreateAsync(WebhookFaultTests.Basket);
            transactionId = created.TransactionId;
            await kit.ConfirmInSdkAsync(created);
            await Eventually.Until(
                () => simulator.Simulation.GetTruth(transactionId)!.Webhooks is { Count: > 0 } hooks && hooks.All(w => w.Attempts.Any(a => a.StatusCode == 200)),
                TrackingKit.Patience,
                "every webhook acknowledged");

            // A worker took the queue messages and died with them: they come back when its lease runs out.
            var events = dying.Services.GetRequiredService<StorageQueues>().Queue(QueueNames.TrackerEvents);
            var leased = (await events.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1))).Value;
            Assert.Equal(kit.StoredHits(transactionId).Count, leased.Length);
            Assert.Equal("AwaitingUser", (await kit.ViewAsync(transactionId)).GetProperty("status").GetString());
        }

        await using var next = await AppHarness.StartOnAsync(azurite, simulator, prefix);
        var successor = new TrackingKit(next);

        var truth = await successor.AssertMatchesTruthAsync(transactionId);

        Assert.Equal("COMPLETED", truth.Status.Value);
    }

    [Fact]
    public async Task OutcomesQueueUnavailable_AfterTheConfirmedChangeIsSaved_ReconcilerSendsItsEventsOnce()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);

        // The change saves with its events, then every send fails: what a process dying right after the save leaves behind.
        var outcomes = harness.Services.GetRequiredService<StorageQueues>().Queue(QueueNames.TransactionOutcomes);
        await outcomes.DeleteAsync();
        await kit.ConfirmInSdkAsync(created);
        await kit.WaitForStatusAsync(created.TransactionId, "Completed");
        var outbox = harness.Services.GetRequiredService<OutboxStore>();
        Assert.Equal(4, (await outbox.ListUnpublishedAsync(created.TransactionId, CancellationToken.None)).Count);

        await outcomes.CreateIfNotExistsAsync();
        Assert.Empty(await kit.DrainOutcomesAsync());
        await kit.AdvanceClockAsync(TimeSpan.FromMinutes(5));
        await kit.ReconcileAsync();

        await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.Equal(4, kit.Outcomes.Count(e => e.Subject == created.TransactionId));
        Assert.Empty(await outbox.ListUnpublishedAsync(created.TransactionId, CancellationToken.None));
    }

    /// <summary>Stops the app's queue and timer triggers: it still takes webhooks, but nothing processes what they store.</summary>
    private static Task StopQueueListenersAsync(AppHarness harness) =>
        harness.Services.GetServices<IHostedService>().OfType<StandaloneTriggers>().Single().StopAsync(CancellationToken.None);
}
