using Microsoft.Extensions.Logging.Abstractions;
using TestSupport;
using static Transactions.Storage.Tests.TransactionStoreTests;

namespace Transactions.Storage.Tests;

public sealed class OutboxStoreTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    private OutboxStore Outbox => new(Clients, Time);

    private TransactionStore Transactions => new(Clients, NullLogger<TransactionStore>.Instance);

    [Fact]
    public async Task MarkPublishedAsync_SomeEvents_RemovesThemFromTheUnpublishedLists()
    {
        await SaveChangeAsync("TRX_1", Event("TRX_1", 2, "order-v2-ITC"), Event("TRX_1", 2, "order-v2-TCS"));
        await SaveChangeAsync("TRX_2", Event("TRX_2", 2, "final"));
        Time.Advance(TimeSpan.FromMinutes(2));

        var marked = await Outbox.MarkPublishedAsync("TRX_1", ["order-v2-ITC"], Ct);

        Assert.True(marked);
        Assert.Equal(["order-v2-TCS"], (await Outbox.ListUnpublishedAsync("TRX_1", Ct)).Select(e => e.EventId));
        Assert.Equal(
            [("TRX_1", "order-v2-TCS"), ("TRX_2", "final")],
            (await Outbox.ListAllUnpublishedAsync(Time.GetUtcNow(), 100, Ct)).Select(e => (e.TransactionId, e.EventId)).Order());
    }

    [Fact]
    public async Task MarkPublishedAsync_MoreEventsThanOneBatchHolds_MarksThemAll()
    {
        var events = Enumerable.Range(0, 60).Select(i => Event("TRX_many", 2, $"order-v2-S{i:D2}")).ToArray();
        await SaveChangeAsync("TRX_many", events[..50]);
        await SaveChangeAsync("TRX_many", [.. events[50..].Select(e => e with { StateVersion = 3 })]);

        var marked = await Outbox.MarkPublishedAsync("TRX_many", [.. events.Select(e => e.EventId)], Ct);

        Assert.True(marked);
        Assert.Empty(await Outbox.ListUnpublishedAsync("TRX_many", Ct));
    }

    [Fact]
    public async Task MarkPublishedAsync_UnknownEvent_ReturnsFalse()
    {
        await SaveChangeAsync("TRX_1", Event("TRX_1", 2, "final"));

        Assert.False(await Outbox.MarkPublishedAsync("TRX_1", ["nope"], Ct));
    }

    [Fact]
    public async Task ListAllUnpublishedAsync_EventsYoungerThanTheCutOff_LeftOut()
    {
        await SaveChangeAsync("TRX_old", Event("TRX_old", 2, "final"));
        await SaveChangeAsync("TRX_new", Event("TRX_new", 2, "final") with { CreatedAt = Start.AddMinutes(5) });

        var stuck = await Outbox.ListAllUnpublishedAsync(Start.AddMinutes(2), 100, Ct);

        Assert.Equal(["TRX_old"], stuck.Select(e => e.TransactionId));
    }

    [Fact]
    public async Task ListAllUnpublishedAsync_MoreThanMax_ReturnsMaxAndNeverTheStateRows()
    {
        for (var i = 0; i < 4; i++)
        {
            await SaveChangeAsync($"TRX_s{i}", Event($"TRX_s{i}", 2, "final"));
        }

        var stuck = await Outbox.ListAllUnpublishedAsync(DateTimeOffset.MaxValue, 3, Ct);

        Assert.Equal(3, stuck.Count);
        Assert.All(stuck, e => Assert.Equal(("final", 2L, false), (e.EventId, e.StateVersion, e.IsPublished)));
    }

    [Fact]
    public async Task ListUnpublishedAsync_ReturnsOldestChangeFirst()
    {
        await SaveChangeAsync("TRX_1", Event("TRX_1", 2, "b") with { CreatedAt = Start.AddSeconds(2) });
        await SaveChangeAsync("TRX_1", Event("TRX_1", 3, "a") with { StateVersion = 3, CreatedAt = Start.AddSeconds(3) });
        await SaveChangeAsync("TRX_1", Event("TRX_1", 4, "c") with { StateVersion = 4, CreatedAt = Start.AddSeconds(1) });

        Assert.Equal(["c", "b", "a"], (await Outbox.ListUnpublishedAsync("TRX_1", Ct)).Select(e => e.EventId));
    }

    /// <summary>Inserts the transaction if needed and saves a state change that records <paramref name="events"/>.</summary>
    private async Task SaveChangeAsync(string transactionId, params OutboxEvent[] events)
    {
        await Transactions.InsertAsync(NewRecord(transactionId, "user-1", Start), Ct);
        var loaded = (await Transactions.GetAsync(transactionId, Ct))!;
        var written = await Transactions.ReplaceAsync(loaded, loaded.Record with { Version = loaded.Record.Version + 1 }, events, Ct);
        Assert.Equal(WriteOutcome.Written, written.Outcome);
    }
}
