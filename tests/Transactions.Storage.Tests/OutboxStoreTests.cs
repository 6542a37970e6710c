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

        var marked = await Outbox.MarkPublishedAsync("TRX_1", ["order-v2-ITC"], Start.AddMinutes(1), Ct);

        Assert.True(marked);
        Assert.Equal(["order-v2-TCS"], (await Outbox.ListUnpublishedAsync("TRX_1", Ct)).Select(e => e.EventId));
        Assert.Equal(["final"], (await Outbox.ListUnpublishedAsync("TRX_2", Ct)).Select(e => e.EventId));
        var published = await Outbox.GetAsync("TRX_1", "order-v2-ITC", Ct);
        Assert.Equal((true, Start.AddMinutes(1), Start.AddMinutes(2)), (published!.IsPublished, published.LoggedAt, published.PublishedAt));
    }

    [Fact]
    public async Task MarkPublishedAsync_MoreEventsThanOneBatchHolds_MarksThemAll()
    {
        var events = Enumerable.Range(0, 60).Select(i => Event("TRX_many", 2, $"order-v2-S{i:D2}")).ToArray();
        await SaveChangeAsync("TRX_many", events[..50]);
        await SaveChangeAsync("TRX_many", [.. events[50..].Select(e => e with { StateVersion = 3 })]);

        var marked = await Outbox.MarkPublishedAsync("TRX_many", [.. events.Select(e => e.EventId)], Start, Ct);

        Assert.True(marked);
        Assert.Empty(await Outbox.ListUnpublishedAsync("TRX_many", Ct));
    }

    [Fact]
    public async Task MarkPublishedAsync_UnknownEvent_ReturnsFalse()
    {
        await SaveChangeAsync("TRX_1", Event("TRX_1", 2, "final"));

        Assert.False(await Outbox.MarkPublishedAsync("TRX_1", ["nope"], Start, Ct));
    }

    [Fact]
    public async Task ListUnsentFlagsAsync_FlagsYoungerThanTheCutOff_LeftOut()
    {
        await Outbox.FlagUnsentAsync("TRX_old", Ct);
        Time.Advance(TimeSpan.FromMinutes(5));
        await Outbox.FlagUnsentAsync("TRX_new", Ct);

        var flags = await Outbox.ListUnsentFlagsAsync(Start.AddMinutes(2), 100, Ct);

        Assert.Equal(["TRX_old"], flags.Select(f => f.TransactionId));
    }

    [Fact]
    public async Task ListUnsentFlagsAsync_MoreThanMax_ReturnsMaxOfOneFlagPerTransaction()
    {
        for (var i = 0; i < 4; i++)
        {
            await SaveChangeAsync($"TRX_s{i}", Event($"TRX_s{i}", 2, "final"));
            await Outbox.FlagUnsentAsync($"TRX_s{i}", Ct);
            await Outbox.FlagUnsentAsync($"TRX_s{i}", Ct);
        }

        Assert.Equal(3, (await Outbox.ListUnsentFlagsAsync(DateTimeOffset.MaxValue, 3, Ct)).Count);
        Assert.Equal(["TRX_s0", "TRX_s1", "TRX_s2", "TRX_s3"], (await Outbox.ListUnsentFlagsAsync(DateTimeOffset.MaxValue, 10, Ct)).Select(f => f.TransactionId));
    }

    [Fact]
    public async Task ClearUnsentFlagAsync_FlaggedAgainSinceRead_StaysFlagged()
    {
        await Outbox.FlagUnsentAsync("TRX_1", Ct);
        await Outbox.FlagUnsentAsync("TRX_2", Ct);
        var read = await Outbox.ListUnsentFlagsAsync(DateTimeOffset.MaxValue, 10, Ct);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Outbox.FlagUnsentAsync("TRX_1", Ct);

        foreach (var flag in read)
        {
            await Outbox.ClearUnsentFlagAsync(flag.TransactionId, flag.ETag, Ct);
        }

        await Outbox.ClearUnsentFlagAsync("TRX_never-flagged", Azure.ETag.All, Ct);
        Assert.Equal(["TRX_1"], (await Outbox.ListUnsentFlagsAsync(DateTimeOffset.MaxValue, 10, Ct)).Select(f => f.TransactionId));
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
