using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using TestSupport;

namespace Transactions.Storage.Tests;

public sealed class StorageInitializerTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    [Fact]
    public async Task InitializeAsync_RunTwice_CreatesEveryPrefixedTableAndQueueOnce()
    {
        // The base class already ran it once for this test's prefix.
        await new StorageInitializer(Clients, NullLogger<StorageInitializer>.Instance).InitializeAsync(Ct);

        var tables = new TableServiceClient(Azurite.ConnectionString);
        var queues = new QueueServiceClient(Azurite.ConnectionString);
        var tableNames = new List<string>();
        await foreach (var table in tables.QueryAsync(cancellationToken: Ct))
        {
            tableNames.Add(table.Name);
        }

        var queueNames = new List<string>();
        await foreach (var queue in queues.GetQueuesAsync(prefix: Clients.NamePrefix, cancellationToken: Ct))
        {
            queueNames.Add(queue.Name);
        }

        Assert.Equal(
            TableNames.All.Select(n => Clients.NamePrefix + n).Order(StringComparer.Ordinal),
            tableNames.Where(n => n.StartsWith(Clients.NamePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(
            QueueNames.All.Select(n => Clients.NamePrefix + n).Order(StringComparer.Ordinal),
            queueNames.Order(StringComparer.Ordinal));
    }
}
