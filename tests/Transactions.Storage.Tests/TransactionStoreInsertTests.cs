using Microsoft.Extensions.Logging.Abstractions;
using TestSupport;

namespace Transactions.Storage.Tests;

/// <summary><see cref="TransactionStore.InsertAsync"/>: the transaction row and its user index row, two writes for a new transaction.</summary>
public sealed class TransactionStoreInsertTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    private TransactionStore Store => new(Clients, NullLogger<TransactionStore>.Instance);

    [Fact]
    public async Task InsertAsync_NewTransaction_InsertsTheRowAndTheIndexRowWithoutAnyRead()
    {
        var recorder = new RequestRecorder();
        var options = Options(Azurite.ConnectionString, Clients.NamePrefix);
        options.AdditionalPolicies.Add(recorder);
        var store = new TransactionStore(new StorageClients(options), NullLogger<TransactionStore>.Instance);

        var insert = await store.InsertAsync(TransactionStoreTests.NewRecord("TRX_new", "user-1", Start), Ct);

        Assert.Equal(WriteOutcome.Written, insert.Outcome);
        Assert.Equal([$"POST {TableNames.Transactions} 204", $"POST {TableNames.UserTransactions} 204"], Described(recorder, Clients.NamePrefix));
        var item = Assert.Single((await Store.ListForUserAsync("user-1", null, null, 10, Ct)).Items);
        Assert.Equal(new TransactionSummary("TRX_new", "Created", Start, Start, Start.AddMinutes(15)), item);
    }

    [Fact]
    public async Task InsertAsync_ThenAStatusChange_ReplacesTheIndexRowWithoutReadingIt()
    {
        var recorder = new RequestRecorder();
        var options = Options(Azurite.ConnectionString, Clients.NamePrefix);
        options.AdditionalPolicies.Add(recorder);
        var store = new TransactionStore(new StorageClients(options), NullLogger<TransactionStore>.Instance);
        var record = TransactionStoreTests.NewRecord("TRX_moves", "user-1", Start);
        await store.InsertAsync(record, Ct);
        var inserted = Described(recorder, Clients.NamePrefix).Count;

        await store.SyncIndexAsync(record with { Status = "OrdersOpen", Version = 2 }, Ct);

        Assert.Equal([$"PUT {TableNames.UserTransactions} 204"], Described(recorder, Clients.NamePrefix).Skip(inserted));
        Assert.Equal("OrdersOpen", Assert.Single((await Store.ListForUserAsync("user-1", null, null, 10, Ct)).Items).Status);
    }

    [Fact]
    public async Task InsertAsync_IndexRowAlreadyThereWithAnOlderVersion_BringsItUpToDate()
    {
        var record = TransactionStoreTests.NewRecord("TRX_stale", "user-1", Start);
        await Store.SyncIndexAsync(record with { Status = "Stale", Version = 0 }, Ct);

        await Store.InsertAsync(record, Ct);

        Assert.Equal("Created", Assert.Single((await Store.ListForUserAsync("user-1", null, null, 10, Ct)).Items).Status);
    }

    [Fact]
    public async Task InsertAsync_IndexRowAlreadyThereWithANewerVersion_KeepsIt()
    {
        var record = TransactionStoreTests.NewRecord("TRX_newer", "user-1", Start);
        await Store.SyncIndexAsync(record with { Status = "Completed", Version = 5 }, Ct);

        await Store.InsertAsync(record, Ct);

        Assert.Equal("Completed", Assert.Single((await Store.ListForUserAsync("user-1", null, null, 10, Ct)).Items).Status);
    }

    /// <summary>"POST Transactions 204": method, table, status.</summary>
    private static List<string> Described(RequestRecorder recorder, string namePrefix) =>
        [.. recorder.All.Select(r => $"{r.Method} {r.Resource(namePrefix)} {r.Status}")];
}
