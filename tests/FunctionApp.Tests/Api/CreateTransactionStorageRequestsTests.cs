using System.Collections.Concurrent;
using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using FunctionApp.Tests.Infrastructure;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Api;

/// <summary>
/// Pins the storage requests of <c>POST /api/transactions</c>, counted by an Azure.Core policy on the app's own
/// storage clients (every attempt, retries included), so a change that adds a request to the create path fails here.
/// </summary>
[Collection(SharedAzurite.Name)]
public sealed class CreateTransactionStorageRequestsTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Basket = $$"""{"securities":{{AppRequests.Basket}}}""";
    private readonly StorageRequestRecorder recorder = new();
    private readonly ResponseLoser loser = new();
    private AppHarness harness = null!;

    public async Task InitializeAsync() => harness = await AppHarness.StartAsync(azurite, storagePolicies: [recorder, loser]);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Create_NewUsersFirstBasket_SendsSixStorageRequestsAndStartsItsTracking()
    {
        var requests = await RecordAsync(() => harness.PostTransactionAsync("new-user", Basket, "key-1"), HttpStatusCode.Created);

        Assert.Equal(
            [
                "insert IdempotencyRecords → 204",
                "point read UserLinks → 404",
                "insert NotesRefs → 204",
                "insert Transactions → 204",
                "insert UserTransactions → 204",
                "merge (ETag) IdempotencyRecords → 204",
            ],
            requests);
        var created = harness.Simulator.Simulation.ListTransactions().Single();
        var tracking = await harness.Service<Microsoft.DurableTask.Client.DurableTaskClient>().GetInstanceAsync(created.TransactionId);
        Assert.NotNull(tracking);
    }

    [Fact]
    public async Task Create_LinkedUser_ReadsTheLinkOnce()
    {
        await harness.Service<UserLinkStore>().LinkAsync("linked-user", "auth-linked-user", "kite", CancellationToken.None);

        var requests = await RecordAsync(() => harness.PostTransactionAsync("linked-user", Basket, "key-1"), HttpStatusCode.Created);

        Assert.Equal(6, requests.Count);
        Assert.Equal(["point read UserLinks → 200"], requests.Where(r => r.Contains("UserLinks", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Create_ReplayOfACompletedKey_ReadsTheRecordAndTheLinkOnly()
    {
        await RecordAsync(() => harness.PostTransactionAsync("new-user", Basket, "key-1"), HttpStatusCode.Created);

        var replay = await RecordAsync(() => harness.PostTransactionAsync("new-user", Basket, "key-1"), HttpStatusCode.OK);

        Assert.Equal(
            [
                "insert IdempotencyRecords → 409",
                "point read IdempotencyRecords → 200",
                "point read UserLinks → 404",
            ],
            replay);
    }

    [Fact]
    public async Task Create_TransactionInsertStoredButItsResponseLost_StillIndexesTheTransactionForTheUser()
    {
        loser.LoseNext($"POST {harness.NamePrefix}{TableNames.Transactions}");

        var requests = await RecordAsync(() => harness.PostTransactionAsync("new-user", Basket, "key-1"), HttpStatusCode.Created);

        // Azure.Core retried the insert that was stored but reported lost; the retry found the row and the index was repaired.
        Assert.Equal(1, loser.Lost);
        var retried = requests.ToList().IndexOf("insert Transactions → 409");
        Assert.Equal(["insert Transactions → 409", "point read UserTransactions → 404", "insert UserTransactions → 204"], requests.Skip(retried).Take(3));
        var listed = await harness.Service<TransactionStore>().ListForUserAsync("new-user", null, null, 10, CancellationToken.None);
        Assert.Single(listed.Items);
        Assert.Equal(1, harness.GatewayTransactionCount());
    }

    [Fact]
    public async Task Create_NotesRefInsertStoredButItsResponseLost_RecognisesItsOwnMappingAndCreatesOnce()
    {
        loser.LoseNext($"POST {harness.NamePrefix}{TableNames.NotesRefs}");

        var requests = await RecordAsync(() => harness.PostTransactionAsync("new-user", Basket, "key-1"), HttpStatusCode.Created);

        Assert.Equal(1, loser.Lost);
        var retried = requests.ToList().IndexOf("insert NotesRefs → 409");
        Assert.Equal(["insert NotesRefs → 409", "point read NotesRefs → 200", "insert Transactions → 204"], requests.Skip(retried).Take(3));
        Assert.Equal(1, harness.GatewayTransactionCount());
    }

    /// <summary>The app's storage requests while <paramref name="send"/> runs, without its background polling.</summary>
    private async Task<IReadOnlyList<string>> RecordAsync(Func<Task<ApiResponse>> send, HttpStatusCode expected)
    {
        var mark = recorder.Count;
        (await send()).AssertStatus(expected);
        return [.. recorder.Since(mark).Where(r => !r.IsBackground).Select(r => r.Describe(harness.NamePrefix))];
    }

    /// <summary>Lets one chosen request reach storage, then fails it as a lost response would (Azure.Core retries it).</summary>
    private sealed class ResponseLoser : HttpPipelinePolicy
    {
        private string? armedFor;

        public int Lost { get; private set; }

        /// <param name="methodAndResource">E.g. "POST tprefixTransactions": the method and the table or queue name as sent.</param>
        public void LoseNext(string methodAndResource) => armedFor = methodAndResource;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            LoseIfArmed(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            LoseIfArmed(message);
        }

        private void LoseIfArmed(HttpMessage message)
        {
            var request = RecordedRequest.Of(message);
            if (armedFor is not null && armedFor == $"{request.Method} {request.Resource}" && Interlocked.Exchange(ref armedFor, null) is not null)
            {
                Lost++;
                throw new IOException("The connection was reset before the response arrived.");
            }
        }
    }
}
