using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
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
        var recorder = new RecordingPolicy();
        var options = Options(Azurite.ConnectionString, Clients.NamePrefix);
        options.AdditionalPolicies.Add(recorder);
        var store = new TransactionStore(new StorageClients(options), NullLogger<TransactionStore>.Instance);

        var insert = await store.InsertAsync(TransactionStoreTests.NewRecord("TRX_new", "user-1", Start), Ct);

        Assert.Equal(WriteOutcome.Written, insert.Outcome);
        Assert.Equal([$"POST {TableNames.Transactions} 204", $"POST {TableNames.UserTransactions} 204"], recorder.Requests(Clients.NamePrefix));
        var item = Assert.Single((await Store.ListForUserAsync("user-1", null, null, 10, Ct)).Items);
        Assert.Equal(new TransactionSummary("TRX_new", "Created", Start, Start, Start.AddMinutes(15)), item);
    }

    [Fact]
    public async Task InsertAsync_ThenAStatusChange_ReplacesTheIndexRowWithoutReadingIt()
    {
        var recorder = new RecordingPolicy();
        var options = Options(Azurite.ConnectionString, Clients.NamePrefix);
        options.AdditionalPolicies.Add(recorder);
        var store = new TransactionStore(new StorageClients(options), NullLogger<TransactionStore>.Instance);
        var record = TransactionStoreTests.NewRecord("TRX_moves", "user-1", Start);
        await store.InsertAsync(record, Ct);
        var inserted = recorder.Requests(Clients.NamePrefix).Count;

        await store.SyncIndexAsync(record with { Status = "OrdersOpen", Version = 2 }, Ct);

        Assert.Equal([$"PUT {TableNames.UserTransactions} 204"], recorder.Requests(Clients.NamePrefix).Skip(inserted));
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

    private sealed class RecordingPolicy : HttpPipelinePolicy
    {
        private readonly ConcurrentQueue<(string Method, string Path, int Status)> requests = new();

        /// <summary>"POST Transactions 204": method, table (without <paramref name="namePrefix"/> and keys), status.</summary>
        public IReadOnlyList<string> Requests(string namePrefix) =>
        [
            .. requests.Select(r =>
            {
                var table = r.Path.Split('/', StringSplitOptions.RemoveEmptyEntries)[1];
                table = table[namePrefix.Length..].Split('(')[0];
                return $"{r.Method} {table} {r.Status}";
            }),
        ];

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            Record(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            Record(message);
        }

        private void Record(HttpMessage message) =>
            requests.Enqueue((message.Request.Method.Method, message.Request.Uri.ToUri().AbsolutePath, message.Response.Status));
    }
}
