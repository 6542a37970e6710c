using Azure.Core;
using Azure.Core.Pipeline;
using TestSupport;

namespace Transactions.Storage.Tests;

public sealed class IdempotencyStoreTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    private static readonly string HashA = IdempotencyStore.HashRequest("""{"securities":[{"ticker":"ITC"}]}"""u8);
    private static readonly string HashB = IdempotencyStore.HashRequest("""{"securities":[{"ticker":"TCS"}]}"""u8);

    private IdempotencyStore Store => new(Clients, Time);

    [Theory]
    [InlineData("a", true)]
    [InlineData("order-2026-11-24:basket.1_x", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("has space", false)]
    [InlineData("slash/no", false)]
    [InlineData("ünïcode", false)]
    public void IsValidKey_FollowsTheAllowedAlphabet(string? key, bool valid)
    {
        Assert.Equal(valid, IdempotencyStore.IsValidKey(key));
    }

    [Fact]
    public void IsValidKey_LengthLimitIs100()
    {
        Assert.True(IdempotencyStore.IsValidKey(new string('k', 100)));
        Assert.False(IdempotencyStore.IsValidKey(new string('k', 101)));
    }

    [Fact]
    public async Task TryBeginAsync_NewKey_Started()
    {
        var result = await Store.TryBeginAsync("user-1", "key-1", HashA, Ct);

        Assert.Equal(IdempotencyOutcome.Started, result.Outcome);
        Assert.NotEqual(default, result.ETag);
    }

    [Fact]
    public async Task TryBeginAsync_WhileInProgress_InProgress()
    {
        await Store.TryBeginAsync("user-1", "key-1", HashA, Ct);

        Assert.Equal(IdempotencyOutcome.InProgress, (await Store.TryBeginAsync("user-1", "key-1", HashA, Ct)).Outcome);
    }

    [Fact]
    public async Task TryBeginAsync_SameKeyDifferentBody_HashMismatch()
    {
        await Store.TryBeginAsync("user-1", "key-1", HashA, Ct);

        Assert.Equal(IdempotencyOutcome.HashMismatch, (await Store.TryBeginAsync("user-1", "key-1", HashB, Ct)).Outcome);
    }

    [Fact]
    public async Task TryBeginAsync_SameKeyOtherUser_IsIndependent()
    {
        await Store.TryBeginAsync("user-1", "key-1", HashA, Ct);

        Assert.Equal(IdempotencyOutcome.Started, (await Store.TryBeginAsync("user-2", "key-1", HashB, Ct)).Outcome);
    }

    [Fact]
    public async Task CompleteAsync_ThenTryBeginAsync_ReplaysTheResponse()
    {
        var begun = await Store.TryBeginAsync("user-1", "key-1", HashA, Ct);

        var completed = await Store.CompleteAsync("user-1", "key-1", 201, """{"transactionId":"TRX_1"}""", begun.ETag, Ct);
        var replay = await Store.TryBeginAsync("user-1", "key-1", HashA, Ct);
        var mismatch = await Store.TryBeginAsync("user-1", "key-1", HashB, Ct);

        Assert.Equal(IdempotencyFinishOutcome.Done, completed);
        Assert.Equal(IdempotencyOutcome.Completed, replay.Outcome);
        Assert.Equal(new IdempotentResponse(201, """{"transactionId":"TRX_1"}"""), replay.Response);
        Assert.Equal(IdempotencyOutcome.HashMismatch, mismatch.Outcome);
    }

    [Fact]
    public async Task AbandonAsync_LetsTheClientRetryWithTheSameKey()
    {
        var begun = await Store.TryBeginAsync("user-1", "key-1", HashA, Ct);

        var abandoned = await Store.AbandonAsync("user-1", "key-1", begun.ETag, Ct);
        var retried = await Store.TryBeginAsync("user-1", "key-1", HashB, Ct);

        Assert.Equal(IdempotencyFinishOutcome.Done, abandoned);
        Assert.Equal(IdempotencyOutcome.Started, retried.Outcome);
    }

    [Fact]
    public async Task TryBeginAsync_ConcurrentDuplicates_ExactlyOneStarted()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(_ => Task.Run(() => Store.TryBeginAsync("user-1", "double-tap", HashA, Ct))));

        Assert.Equal(1, attempts.Count(a => a.Outcome == IdempotencyOutcome.Started));
        Assert.Equal(9, attempts.Count(a => a.Outcome == IdempotencyOutcome.InProgress));
    }

    [Fact]
    public async Task TryBeginAsync_InProgressPastTheLease_IsTakenOverAndTheOldHolderLosesIt()
    {
        var crashed = await Store.TryBeginAsync("user-1", "key-1", HashA, Ct);
        Time.Advance(IdempotencyStore.DefaultLease - TimeSpan.FromSeconds(1));
        var stillHeld = await Store.TryBeginAsync("user-1", "key-1", HashA, Ct);
        Time.Advance(TimeSpan.FromSeconds(2));

        var takeover = await Store.TryBeginAsync("user-1", "key-1", HashA, Ct);
        var lateComplete = await Store.CompleteAsync("user-1", "key-1", 201, "{}", crashed.ETag, Ct);
        var lateAbandon = await Store.AbandonAsync("user-1", "key-1", crashed.ETag, Ct);

        Assert.Equal(IdempotencyOutcome.InProgress, stillHeld.Outcome);
        Assert.Equal(IdempotencyOutcome.Started, takeover.Outcome);
        Assert.Equal(IdempotencyFinishOutcome.LeaseLost, lateComplete);
        Assert.Equal(IdempotencyFinishOutcome.LeaseLost, lateAbandon);
        Assert.Equal(IdempotencyFinishOutcome.Done, await Store.CompleteAsync("user-1", "key-1", 201, "{}", takeover.ETag, Ct));
    }

    [Fact]
    public async Task AbandonAsync_AlreadyDeleted_LeaseLost()
    {
        var begun = await Store.TryBeginAsync("user-1", "key-1", HashA, Ct);
        await Store.AbandonAsync("user-1", "key-1", begun.ETag, Ct);

        Assert.Equal(IdempotencyFinishOutcome.LeaseLost, await Store.AbandonAsync("user-1", "key-1", begun.ETag, Ct));
        Assert.Equal(IdempotencyFinishOutcome.LeaseLost, await Store.CompleteAsync("user-1", "key-1", 201, "{}", begun.ETag, Ct));
    }

    [Fact]
    public async Task TryBeginAsync_InsertStoredButItsResponseLost_RetryRecognisesItsOwnRecordAndStarts()
    {
        var options = Options(Azurite.ConnectionString, Clients.NamePrefix);
        options.Retry = new StorageRetryOptions { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(10) };
        var lostResponse = new LoseFirstResponsePolicy();
        options.AdditionalPolicies.Add(lostResponse);
        var store = new IdempotencyStore(new StorageClients(options), Time);

        var begun = await store.TryBeginAsync("user-1", "key-1", HashA, Ct);

        // The insert was stored (204) but reported lost; Azure.Core's retry of it found the row (409); the row was read.
        Assert.Equal(["POST 204", "POST 409", "GET 200"], lostResponse.Requests);
        Assert.Equal(IdempotencyOutcome.Started, begun.Outcome);
        Assert.Equal(IdempotencyOutcome.InProgress, (await Store.TryBeginAsync("user-1", "key-1", HashA, Ct)).Outcome);
        Assert.Equal(IdempotencyFinishOutcome.Done, await store.CompleteAsync("user-1", "key-1", 201, "{}", begun.ETag, Ct));
    }

    [Fact]
    public async Task TryBeginAsync_InvalidKey_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.TryBeginAsync("user-1", "bad key", HashA, Ct));
    }

    /// <summary>Lets the first request reach storage, then fails it as a lost response would (Azure.Core retries it).</summary>
    private sealed class LoseFirstResponsePolicy : HttpPipelinePolicy
    {
        private readonly List<string> requests = [];

        /// <summary>"POST 204": each attempt's method and the status storage answered.</summary>
        public IReadOnlyList<string> Requests => requests;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            RecordAndLoseFirst(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            RecordAndLoseFirst(message);
        }

        private void RecordAndLoseFirst(HttpMessage message)
        {
            requests.Add($"{message.Request.Method} {message.Response.Status}");
            if (requests.Count == 1)
            {
                throw new IOException("The connection was reset before the response arrived.");
            }
        }
    }
}
