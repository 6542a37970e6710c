using TestSupport;

namespace Transactions.Storage.Tests;

public sealed class OutboxStoreTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    private OutboxStore Store => new(Clients, Time);

    [Fact]
    public async Task TryAddAsync_SameEventTwice_RecordedOnce()
    {
        var first = await Store.TryAddAsync(Event("TRX_1", "final"), Ct);
        var second = await Store.TryAddAsync(Event("TRX_1", "final") with { PayloadJson = "{\"changed\":true}" }, Ct);

        Assert.Equal(WriteOutcome.Written, first);
        Assert.Equal(WriteOutcome.AlreadyExists, second);
        Assert.Equal(Event("TRX_1", "final"), Assert.Single(await Store.ListUnpublishedAsync("TRX_1", Ct)));
    }

    [Fact]
    public async Task TryAddAsync_ConcurrentInsertsOfOneEvent_ExactlyOneWritten()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(i => Task.Run(() => Store.TryAddAsync(Event("TRX_1", "orders-v3") with { PayloadJson = $"{{\"worker\":{i}}}" }, Ct))));

        Assert.Equal(1, outcomes.Count(o => o == WriteOutcome.Written));
        Assert.Equal(9, outcomes.Count(o => o == WriteOutcome.AlreadyExists));
        Assert.Single(await Store.ListUnpublishedAsync("TRX_1", Ct));
    }

    [Fact]
    public async Task MarkPublishedAsync_RemovesTheEventFromTheUnpublishedLists()
    {
        await Store.TryAddAsync(Event("TRX_1", "orders-v1"), Ct);
        await Store.TryAddAsync(Event("TRX_1", "final") with { CreatedAt = Start.AddMinutes(1) }, Ct);
        await Store.TryAddAsync(Event("TRX_2", "final"), Ct);
        Time.Advance(TimeSpan.FromMinutes(2));

        var marked = await Store.MarkPublishedAsync("TRX_1", "orders-v1", Ct);

        Assert.True(marked);
        Assert.Equal(["final"], (await Store.ListUnpublishedAsync("TRX_1", Ct)).Select(e => e.EventId));
        Assert.Equal(
            [("TRX_1", "final"), ("TRX_2", "final")],
            (await Store.ListAllUnpublishedAsync(100, Ct)).Select(e => (e.TransactionId, e.EventId)).Order());
    }

    [Fact]
    public async Task MarkPublishedAsync_UnknownEvent_ReturnsFalse()
    {
        Assert.False(await Store.MarkPublishedAsync("TRX_1", "nope", Ct));
    }

    [Fact]
    public async Task ListUnpublishedAsync_ReturnsOldestFirst()
    {
        await Store.TryAddAsync(Event("TRX_1", "b") with { CreatedAt = Start.AddSeconds(2) }, Ct);
        await Store.TryAddAsync(Event("TRX_1", "a") with { CreatedAt = Start.AddSeconds(3) }, Ct);
        await Store.TryAddAsync(Event("TRX_1", "c") with { CreatedAt = Start.AddSeconds(1) }, Ct);

        Assert.Equal(["c", "b", "a"], (await Store.ListUnpublishedAsync("TRX_1", Ct)).Select(e => e.EventId));
    }

    private static OutboxEvent Event(string transactionId, string eventId) =>
        new(transactionId, eventId, "transaction.final", """{"transactionId":"TRX_1","result":"COMPLETED"}""", Start);
}
