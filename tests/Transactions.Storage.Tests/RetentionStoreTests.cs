using Microsoft.Extensions.Logging.Abstractions;
using TestSupport;
using static Transactions.Storage.Tests.TransactionStoreTests;

namespace Transactions.Storage.Tests;

/// <summary>What the stores delete when a transaction passes its retention, and the idempotency key's 24-hour life.</summary>
public sealed class RetentionStoreTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    private static readonly string Hash = IdempotencyStore.HashRequest("""{"securities":[{"ticker":"ITC"}]}"""u8);
    private static readonly string OtherHash = IdempotencyStore.HashRequest("""{"securities":[{"ticker":"TCS"}]}"""u8);

    private TransactionStore Transactions => new(Clients, NullLogger<TransactionStore>.Instance);

    private IdempotencyStore Idempotency => new(Clients, Time);

    [Fact]
    public async Task DeleteAsync_FinishedTransaction_RemovesItsRowOutboxAndIndexRowOnly()
    {
        var outbox = new OutboxStore(Clients, Time);
        foreach (var id in new[] { "TRX_gone", "TRX_kept" })
        {
            await Transactions.InsertAsync(NewRecord(id, "user-1", Start), Ct);
            var loaded = (await Transactions.GetAsync(id, Ct))!;
            await Transactions.ReplaceAsync(loaded, loaded.Record with { Version = 2 }, [Event(id, 2, "order-v2-ITC"), Event(id, 2, "final")], Ct);
            await Transactions.SyncIndexAsync((await Transactions.GetAsync(id, Ct))!.Record, Ct);
        }

        var deleted = await Transactions.DeleteAsync("TRX_gone", Ct);
        var again = await Transactions.DeleteAsync("TRX_gone", Ct);

        Assert.Equal("TRX_gone", deleted!.TransactionId);
        Assert.Null(again);
        Assert.Null(await Transactions.GetAsync("TRX_gone", Ct));
        Assert.Null(await outbox.GetAsync("TRX_gone", "final", Ct));
        Assert.NotNull(await outbox.GetAsync("TRX_kept", "final", Ct));
        var listed = await Transactions.ListForUserAsync("user-1", null, null, 10, Ct);
        Assert.Equal(["TRX_kept"], listed.Items.Select(i => i.TransactionId));
    }

    [Fact]
    public async Task TryBeginAsync_CompletedKeyAfter24Hours_StartsANewRequestWhateverTheBody()
    {
        var first = await Idempotency.TryBeginAsync("user-1", "key-1", Hash, Ct);
        await Idempotency.CompleteAsync("user-1", "key-1", 201, """{"transactionId":"TRX_old"}""", first.ETag, Ct);

        Time.Advance(IdempotencyStore.Expiry - TimeSpan.FromMinutes(1));
        var within = await Idempotency.TryBeginAsync("user-1", "key-1", Hash, Ct);
        var otherBodyWithin = await Idempotency.TryBeginAsync("user-1", "key-1", OtherHash, Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        var after = await Idempotency.TryBeginAsync("user-1", "key-1", OtherHash, Ct);

        Assert.Equal(IdempotencyOutcome.Completed, within.Outcome);
        Assert.Equal(IdempotencyOutcome.HashMismatch, otherBodyWithin.Outcome);
        Assert.Equal(IdempotencyOutcome.Started, after.Outcome);
    }

    [Fact]
    public async Task DeleteCompletedAsync_KeyReusedForAnotherTransaction_KeepsTheNewRecord()
    {
        var first = await Idempotency.TryBeginAsync("user-1", "key-1", Hash, Ct);
        await Idempotency.CompleteAsync("user-1", "key-1", 201, """{"transactionId":"TRX_old"}""", first.ETag, Ct);
        Time.Advance(IdempotencyStore.Expiry);
        var reused = await Idempotency.TryBeginAsync("user-1", "key-1", Hash, Ct);
        await Idempotency.CompleteAsync("user-1", "key-1", 201, """{"transactionId":"TRX_new"}""", reused.ETag, Ct);

        await Idempotency.DeleteCompletedAsync("user-1", "key-1", r => r.Body.Contains("TRX_old", StringComparison.Ordinal), Ct);
        var stillNew = await Idempotency.TryBeginAsync("user-1", "key-1", Hash, Ct);
        await Idempotency.DeleteCompletedAsync("user-1", "key-1", r => r.Body.Contains("TRX_new", StringComparison.Ordinal), Ct);
        var gone = await Idempotency.TryBeginAsync("user-1", "key-1", Hash, Ct);

        Assert.Equal(IdempotencyOutcome.Completed, stillNew.Outcome);
        Assert.Contains("TRX_new", stillNew.Response!.Body, StringComparison.Ordinal);
        Assert.Equal(IdempotencyOutcome.Started, gone.Outcome);
    }

    [Fact]
    public async Task NotesRefDeleteAsync_RemovesOnlyThatReference()
    {
        var notes = new NotesRefStore(Clients, Time);
        var (gone, kept) = (NotesRefStore.NewReference(), NotesRefStore.NewReference());
        await notes.RecordAsync(gone, "user-1", "TRX_gone", Ct);
        await notes.RecordAsync(kept, "user-1", "TRX_kept", Ct);

        await notes.DeleteAsync(gone, Ct);
        await notes.DeleteAsync(gone, Ct);

        Assert.Null(await notes.GetAsync(gone, Ct));
        Assert.Equal("TRX_kept", (await notes.GetAsync(kept, Ct))!.TransactionId);
    }
}
