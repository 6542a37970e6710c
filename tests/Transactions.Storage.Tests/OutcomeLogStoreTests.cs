using TestSupport;

namespace Transactions.Storage.Tests;

public sealed class OutcomeLogStoreTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    private OutcomeLogStore Log => new(Clients);

    private static OutboxEvent Event(string transactionId, long version, string eventId, DateTimeOffset recordedAt, string type = "order.updated") =>
        new(transactionId, version, eventId, type, $$"""{"id":"{{transactionId}}/{{eventId}}"}""", recordedAt);

    [Fact]
    public async Task ReadAsync_EventsOfOneChange_ComeInPublicationOrderAcrossDaysAndPages()
    {
        var day1 = Start;
        var day2 = Start.AddDays(1);
        await Log.AppendAsync(
        [
            Event("TRX_b", 3, "final", day1, "transaction.completed"),
            Event("TRX_b", 3, "order-v3-ITC", day1),
            Event("TRX_a", 7, "order-v7-TCS", day2),
            Event("TRX_b", 2, "order-v2-ITC", day1.AddTicks(-1)),
        ], Ct);

        var ids = new List<string>();
        var after = OutcomeLogPosition.Before(Start.AddDays(-1));
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await Log.ReadAsync(after, Start.AddDays(3), 1, Ct);
            ids.AddRange(page.PayloadsJson);
            after = page.Next;
            if (page.PayloadsJson.Count == 0)
            {
                break;
            }
        }

        Assert.Equal(
            ["""{"id":"TRX_b/order-v2-ITC"}""", """{"id":"TRX_b/order-v3-ITC"}""", """{"id":"TRX_b/final"}""", """{"id":"TRX_a/order-v7-TCS"}"""],
            ids);
    }

    [Fact]
    public async Task ReadAsync_EventsAtOrAfterTheWatermark_AreNotServed()
    {
        await Log.AppendAsync([Event("TRX_a", 2, "order-v2-ITC", Start), Event("TRX_a", 3, "final", Start.AddSeconds(10), "transaction.completed")], Ct);

        var page = await Log.ReadAsync(OutcomeLogPosition.Before(Start), Start.AddSeconds(10), 10, Ct);

        Assert.Equal(["""{"id":"TRX_a/order-v2-ITC"}"""], page.PayloadsJson);
        var rest = await Log.ReadAsync(page.Next, Start.AddSeconds(11), 10, Ct);
        Assert.Equal(["""{"id":"TRX_a/final"}"""], rest.PayloadsJson);
    }

    [Fact]
    public async Task AppendAsync_TheSameEventTwice_IsOneRow()
    {
        var once = Event("TRX_a", 2, "order-v2-ITC", Start);
        await Log.AppendAsync([once], Ct);
        await Log.AppendAsync([once], Ct);

        Assert.Single((await Log.ReadAsync(OutcomeLogPosition.Before(Start), Start.AddMinutes(1), 10, Ct)).PayloadsJson);
    }

    [Fact]
    public async Task AdvanceCompleteUntilAsync_NeverMovesBack()
    {
        Assert.Null(await Log.GetCompleteUntilAsync(Ct));

        await Log.AdvanceCompleteUntilAsync(Start.AddMinutes(5), Ct);
        await Log.AdvanceCompleteUntilAsync(Start.AddMinutes(2), Ct);

        Assert.Equal(Start.AddMinutes(5), await Log.GetCompleteUntilAsync(Ct));
    }

    [Fact]
    public async Task DeleteDaysBeforeAsync_DeletesExactlyTheOlderDaysInBoundedRuns()
    {
        var old = Enumerable.Range(0, 130).Select(i => Event($"TRX_{i:D3}", 2, "final", Start.AddDays(-3).AddMinutes(i), "transaction.failed")).ToList();
        var kept = Event("TRX_kept", 2, "final", Start, "transaction.completed");
        await Log.AppendAsync([.. old, kept], Ct);
        await Log.AdvanceCompleteUntilAsync(Start.AddMinutes(1), Ct);

        var finished = new List<string>();
        Task Finished(IReadOnlyList<string> ids, CancellationToken _)
        {
            finished.AddRange(ids);
            return Task.CompletedTask;
        }

        var first = await Log.DeleteDaysBeforeAsync(Start, maxRows: 100, Finished, Ct);
        var second = await Log.DeleteDaysBeforeAsync(Start, maxRows: 100, Finished, Ct);
        var third = await Log.DeleteDaysBeforeAsync(Start, maxRows: 100, Finished, Ct);

        Assert.Equal((100, 30, 0), (first, second, third));
        Assert.Equal(old.Select(e => e.TransactionId).Order(StringComparer.Ordinal), finished.Order(StringComparer.Ordinal));
        Assert.Empty((await Log.ReadAsync(OutcomeLogPosition.Before(Start.AddDays(-5)), Start, 500, Ct)).PayloadsJson);
        Assert.Equal(["""{"id":"TRX_kept/final"}"""], (await Log.ReadAsync(OutcomeLogPosition.Before(Start), Start.AddMinutes(1), 10, Ct)).PayloadsJson);
        Assert.Equal(Start.AddMinutes(1), await Log.GetCompleteUntilAsync(Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("bm90IGEgY3Vyc29y")]
    [InlineData("%%%")]
    public void TryParseCursor_NotOneThisStoreMade_IsFalse(string cursor) =>
        Assert.False(OutcomeLogPosition.TryParseCursor(cursor, out _));

    [Fact]
    public void Cursor_RoundTrips()
    {
        var position = OutcomeLogPosition.Of(Event("TRX_a", 12, "order-v12-M&M-BUY-611a21737f8bf5d33e986067", Start.AddTicks(12345)));

        Assert.True(OutcomeLogPosition.TryParseCursor(position.ToString(), out var parsed));
        Assert.Equal(position, parsed);
    }
}
