using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using FunctionApp.Tests.Infrastructure;
using LocalHost.Durable;
using Microsoft.Extensions.Logging.Abstractions;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Hosting;

/// <summary>Storage:CreateMissingResources=false: the infrastructure creates the tables and queues, the app only uses them.</summary>
[Collection(SharedAzurite.Name)]
public sealed class StorageStartupTests(AzuriteFixture azurite)
{
    private static readonly Dictionary<string, string?> InfrastructureCreatesStorage = new() { ["Storage:CreateMissingResources"] = "false" };

    [Fact]
    public async Task Start_CreateMissingResourcesFalse_CreatesNoTableOrQueueButTheTaskHubs()
    {
        await using var harness = await AppHarness.StartAsync(azurite, InfrastructureCreatesStorage);

        // Durable Task creates and owns its task hub's tables and queues, in Azure as here.
        var hub = harness.Service<DurableRuntimeOptions>().TaskHub.ToLowerInvariant();
        Assert.DoesNotContain(await TablesAsync(harness.NamePrefix), t => !t.StartsWith(hub, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(await QueuesAsync(harness.NamePrefix), q => !q.StartsWith(hub, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_AsDeployed_ReadsTheTransactionsTableOnceBeforeAnyRequest()
    {
        var requests = new StorageRequestRecorder();
        await using var harness = await AppHarness.StartAsync(azurite, InfrastructureCreatesStorage, storagePolicies: [requests]);

        // The warm-up runs in the background: the start does not wait for it.
        await Eventually.Until(() => requests.Count > 0, TimeSpan.FromSeconds(20), "the storage warm-up read");

        var read = Assert.Single(requests.Since(0));
        Assert.Equal(("GET", harness.NamePrefix + "Transactions", true), (read.Method, read.Resource, read.Keyed));
    }

    [Fact]
    public async Task Start_CreatingMissingResources_SendsOnlyTheCreates()
    {
        var requests = new StorageRequestRecorder();
        await using var harness = await AppHarness.StartAsync(azurite, storagePolicies: [requests]);

        // The creates are awaited before the app listens; no warm-up read follows them.
        Assert.Equal(TableNames.All.Count + QueueNames.All.Count, requests.Count);
        Assert.DoesNotContain(requests.Since(0), r => r.Method == "GET");
    }

    [Fact]
    public async Task Basket_CreateMissingResourcesFalseOnCreatedStorage_IsTrackedThroughTheQueuesToCompleted()
    {
        var prefix = "c" + Guid.NewGuid().ToString("N")[..10];
        var clients = new StorageClients(new StorageOptions { ConnectionString = azurite.ConnectionString, NamePrefix = prefix });
        await new StorageInitializer(clients, NullLogger<StorageInitializer>.Instance).InitializeAsync(CancellationToken.None);
        await using var simulator = await AppHarness.StartSimulatorAsync();
        await using var harness = await AppHarness.StartOnAsync(azurite, simulator, prefix, InfrastructureCreatesStorage);

        var created = await harness.CreateTransactionAsync("carol", """[{"ticker":"RELIANCE","quantity":1,"type":"BUY"}]""");
        var sdkResult = await harness.CompleteSdkFlowAsync(created);
        using (var client = harness.Client("carol"))
        {
            var posted = await client.PostAsync($"/api/transactions/{created.TransactionId}/sdk-result", JsonContent.Create(sdkResult));
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        // Completed needs the tracking orchestration to run on the task hub the start did not create beforehand.
        var view = await harness.WaitForStatusAsync("carol", created.TransactionId, "Completed");
        Assert.True(view.GetProperty("final").GetBoolean());
    }

    private async Task<List<string>> TablesAsync(string prefix)
    {
        var names = new List<string>();
        await foreach (var table in new TableServiceClient(azurite.ConnectionString).QueryAsync())
        {
            names.Add(table.Name);
        }

        return [.. names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal))];
    }

    private async Task<List<string>> QueuesAsync(string prefix)
    {
        var names = new List<string>();
        await foreach (var queue in new QueueServiceClient(azurite.ConnectionString).GetQueuesAsync(prefix: prefix))
        {
            names.Add(queue.Name);
        }

        return names;
    }
}
