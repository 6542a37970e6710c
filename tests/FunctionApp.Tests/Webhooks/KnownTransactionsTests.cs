using Azure.Data.Tables;
using FunctionApp.Tests.Infrastructure;
using FunctionApp.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Webhooks;

[Collection(SharedAzurite.Name)]
public sealed class KnownTransactionsTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string TransactionId = "TRX_0123456789abcdef0123456789abcdef";

    private StorageClients clients = null!;
    private TransactionStore store = null!;

    public async Task InitializeAsync()
    {
        clients = new StorageClients(new StorageOptions { ConnectionString = azurite.ConnectionString, NamePrefix = "k" + Guid.NewGuid().ToString("N")[..10] });
        await new StorageInitializer(clients, NullLogger<StorageInitializer>.Instance).InitializeAsync(CancellationToken.None);
        store = new TransactionStore(clients, NullLogger<TransactionStore>.Instance);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GetAsync_SeenBefore_AnsweredWithoutReadingTheRowAgain()
    {
        await InsertAsync();
        using var known = new KnownTransactions(store);
        var first = await known.GetAsync(TransactionId, CancellationToken.None);

        // With the row gone, only a remembered identity can answer.
        await clients.Table(TableNames.Transactions).DeleteEntityAsync(TransactionId, "tx");
        var second = await known.GetAsync(TransactionId, CancellationToken.None);

        Assert.Equal(new TransactionIdentity("alice", "ref_alice_1"), first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task GetAsync_UnknownThenCreated_FoundOnceItExists()
    {
        using var known = new KnownTransactions(store);
        var before = await known.GetAsync(TransactionId, CancellationToken.None);
        await InsertAsync();
        var after = await known.GetAsync(TransactionId, CancellationToken.None);

        Assert.Null(before);
        Assert.Equal(new TransactionIdentity("alice", "ref_alice_1"), after);
    }

    [Fact]
    public async Task GetAsync_Remembered_AnsweredWithoutAnyRow()
    {
        using var known = new KnownTransactions(store);
        known.Remember(TransactionId, new TransactionIdentity("alice", "ref_alice_1"));

        Assert.Equal(new TransactionIdentity("alice", "ref_alice_1"), await known.GetAsync(TransactionId, CancellationToken.None));
    }

    private async Task InsertAsync() => await store.InsertAsync(
        new TransactionRecord
        {
            TransactionId = TransactionId,
            UserId = "alice",
            NotesRef = "ref_alice_1",
            CreatedAt = AppHarness.MarketHours,
            ExpireAt = AppHarness.MarketHours.AddMinutes(15),
            Securities = [],
            Status = "AwaitingUser",
            StateJson = "{}",
            Version = 1,
            UpdatedAt = AppHarness.MarketHours,
        },
        CancellationToken.None);
}
