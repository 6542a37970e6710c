using System.Diagnostics.Metrics;
using System.Text.Json;
using Azure.Data.Tables;
using FunctionApp.Hosting;
using FunctionApp.Telemetry;
using FunctionApp.Tests.Infrastructure;
using FunctionApp.Tracking;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Client.Webhooks;
using Gateway.Simulator;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TestSupport;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp.Tests.Tracking;

/// <summary>Fault matrix: storage down while a webhook arrives, racing writers on one transaction, poison messages.</summary>
[Collection(SharedAzurite.Name)]
public sealed class StorageAndConcurrencyTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task StorageDown_WhileWebhooksArrive_Answered503ThenStoredFromTheGatewaysRetry()
    {
        // The app answers 503 once the storage client's retries give up (seconds): the simulator must wait for it.
        // The task hub's dequeue loop can fail while it holds the tracking's start message; the message comes back after
        // its visibility timeout, and that late first run reads the Gateway at once (Tracker:LateStart), since the
        // signals raised before it were dropped. A change confirmed while storage is still away is saved by a retried
        // activity, whose retries must outlast the outage.
        await using var harness = await AppHarness.StartAsync(
            azurite,
            new Dictionary<string, string?> { ["Durable:MessageVisibilityTimeout"] = "00:00:10", ["Tracker:RecordRetryMax"] = "00:00:05" },
            simulatorOptions: new SimulatorOptions { ClockStart = AppHarness.MarketHours, WebhookTimeout = TimeSpan.FromSeconds(30) });
        var kit = new TrackingKit(harness);
        var created = await kit.CreateAsync(WebhookFaultTests.Basket);
        harness.Tables.Disable();

        await kit.ConfirmInSdkAsync(created);
        await Eventually.Until(
            () => kit.Simulation.GetTruth(created.TransactionId)!.Webhooks is { Count: > 0 } hooks && hooks.All(w => w.Attempts.Count > 0),
            TrackingKit.Patience,
            "every webhook attempted once");
        var refused = kit.Simulation.GetTruth(created.TransactionId)!;
        Assert.All(refused.Webhooks, w => Assert.Equal(503, Assert.Single(w.Attempts).StatusCode));
        Assert.All(refused.Webhooks, w => Assert.NotEmpty(w.PendingAttempts));
        harness.Tables.Enable();
        Assert.Empty(kit.StoredHits(created.TransactionId));

        await kit.AdvanceClockAsync(kit.Simulation.GetTruth(created.TransactionId)!.Webhooks.Max(w => w.PendingAttempts[0]) - kit.Now);

        // The task hub is in the same storage: Durable Task retries what failed during the outage with its own back-off
        // (2^n seconds per failed message), so the tracking may resume a little later than the webhooks.
        await kit.WaitUntilFinalAsync(created.TransactionId, TimeSpan.FromMinutes(2));
        var truth = await kit.AssertMatchesTruthAsync(created.TransactionId);
        Assert.All(truth.Webhooks, w => Assert.Equal([503, 200], w.Attempts.Select(a => a.StatusCode)));
        Assert.Equal(truth.Webhooks.Count, kit.StoredHits(created.TransactionId).Count);
    }
}
