using Azure.Data.Tables;
using TestSupport;

namespace Transactions.Storage.Tests.TestSupport;

[Collection(SharedAzurite.Name)]
public sealed class AzuriteFixtureTests(AzuriteFixture azurite)
{
    [Fact]
    public void Ports_AreThreeDistinctLoopbackPortsInTheConnectionString()
    {
        Assert.Equal(3, new[] { azurite.BlobPort, azurite.QueuePort, azurite.TablePort }.Distinct().Count());
        Assert.Contains($"TableEndpoint=http://127.0.0.1:{azurite.TablePort}/devstoreaccount1", azurite.ConnectionString, StringComparison.Ordinal);
        Assert.Contains($"QueueEndpoint=http://127.0.0.1:{azurite.QueuePort}/devstoreaccount1", azurite.ConnectionString, StringComparison.Ordinal);
        Assert.Contains($"BlobEndpoint=http://127.0.0.1:{azurite.BlobPort}/devstoreaccount1", azurite.ConnectionString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionString_ReachesAWorkingTableService()
    {
        var table = new TableClient(azurite.ConnectionString, "fixture" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateAsync();

        await table.AddEntityAsync(new TableEntity("p", "r") { ["Value"] = 42 });

        Assert.Equal(42, (await table.GetEntityAsync<TableEntity>("p", "r")).Value.GetInt32("Value"));
    }
}
