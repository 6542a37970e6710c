using Azure.Data.Tables;
using TestSupport;

namespace Transactions.Storage.Tests;

/// <summary><see cref="StorageOptions.AdditionalPolicies"/> see every table and queue request the clients send.</summary>
public sealed class StoragePipelinePolicyTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    [Fact]
    public async Task AdditionalPolicies_TableAndQueueRequests_EachSeenOnce()
    {
        var recorder = new RequestRecorder();
        var options = Options(Azurite.ConnectionString, Clients.NamePrefix);
        options.AdditionalPolicies.Add(recorder);
        var clients = new StorageClients(options);

        await clients.Table(TableNames.NotesRefs).AddEntityAsync(new TableEntity("p", "r"), Ct);
        await clients.Queue(QueueNames.TransactionOutcomes).SendMessageAsync("hello", Ct);

        Assert.Equal(
            [$"POST /devstoreaccount1/{Clients.NamePrefix}{TableNames.NotesRefs} 204", $"POST /devstoreaccount1/{Clients.NamePrefix}{QueueNames.TransactionOutcomes}/messages 201"],
            recorder.All.Select(r => $"{r.Method} {r.Path} {r.Status}"));
    }
}
