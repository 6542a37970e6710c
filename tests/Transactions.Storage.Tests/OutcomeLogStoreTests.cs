using TestSupport;

namespace Transactions.Storage.Tests;

public sealed class OutcomeLogStoreTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    private OutcomeLogStore Log => new(Clients);

    private static OutboxEvent Event(string transactionId, long version, string eventId, string type = "order.updated") =>
        new(transactionId, version, eventId, type, $$"""{"id":"{{transactionId}}/{{eventId}}"}""", Start);

    /// <summary>Logs each event at its own time, as separate sendings would.</summary>
    private async Task AppendEachAsync(params (OutboxEvent Event, DateTimeOffset LoggedAt)[] sendings)
    {
        foreach (var (outboxEvent, loggedAt) in sendings)
        {
            await Log.AppendAsync([outboxEvent], loggedAt, Ct);
        }
    }

    [Fact]
    public async Task ReadAsync_EventsOfOneChange_ComeInPublicationOrderAcrossDaysAndPages()
    {
        var day1 = Start;
        var day2 = Start.AddDays(1);
        await Log.AppendAsync([Event("TRX_b", 3, "final", "transaction.completed"), Event("TRX_b", 3, "order-v3-ITC")], day1, Ct);
        await AppendEachAsync((Event("TRX_a", 7, "order-v7-TCS"), day2), (Event("TRX_b", 2, "order-v2-ITC"), day1.AddTicks(-1)));

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
    public async Task ReadAsync_EventsLoggedAtOrAfterTheEnd_AreNotServed()
    {
        await AppendEachAsync((Event("TRX_a", 2, "order-v2-ITC"), Start), (Event("TRX_a", 3, "final", "transaction.completed"), Start.AddSeconds(10)));

        var page = await Log.ReadAsync(OutcomeLogPosition.Before(Start), Start.AddSeconds(10), 10, Ct);

        Assert.Equal(["""{"id":"TRX_a/order-v2-ITC"}"""], page.PayloadsJson);
        var rest = await Log.ReadAsync(page.Next, Start.AddSeconds(11), 10, Ct);
        Assert.Equal(["""{"id":"TRX_a/final"}"""], rest.PayloadsJson);
    }

    [Fact]
    public async Task AppendAsync_TheSameWritingRepeated_IsOneRow()
    {
        var once = Event("TRX_a", 2, "order-v2-ITC");
        await Log.AppendAsync([once], Start, Ct);
        await Log.AppendAsync([once], Start, Ct);

        Assert.Single((await Log.ReadAsync(OutcomeLogPosition.Before(Start), Start.AddMinutes(1), 10, Ct)).PayloadsJson);
    }

    [Fact]
    public async Task AppendAsync_AnEventSentAgainLater_IsLoggedAgainAtItsNewTimeAfterWhatWasReadMeanwhile()
    {
        var late = Event("TRX_a", 2, "order-v2-ITC");
        await AppendEachAsync((late, Start), (Event("TRX_b", 2, "final", "transaction.completed"), Start.AddMinutes(1)));
        var firstRead = await Log.ReadAsync(OutcomeLogPosition.Before(Start), Start.AddMinutes(2), 10, Ct);

        await Log.AppendAsync([late], Start.AddMinutes(3), Ct);
        var nextRead = await Log.ReadAsync(firstRead.Next, Start.AddMinutes(4), 10, Ct);

        Assert.Equal(["""{"id":"TRX_a/order-v2-ITC"}""", """{"id":"TRX_b/final"}"""], firstRead.PayloadsJson);
        Assert.Equal(["""{"id":"TRX_a/order-v2-ITC"}"""], nextRead.PayloadsJson);
    }

    [Fact]
    public async Task DeleteDaysBeforeAsync_DeletesExactlyTheOlderDaysInBoundedRuns()
    {
        var old = Enumerable.Range(0, 130).Select(i => Event($"TRX_{i:D3}", 2, "final", "transaction.failed")).ToList();
        var kept = Event("TRX_kept", 2, "final", "transaction.completed");
        await Log.AppendAsync(old, Start.AddDays(-3), Ct);
        await Log.AppendAsync([kept], Start, Ct);

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
    }

    [Fact]
    public async Task WalkFinishedDaysAsync_EachPassedDayOnce_OutcomesOnly_FromTheOldestDayKept()
    {
        await Log.AppendAsync([Event("TRX_d1", 2, "order-v2-ITC"), Event("TRX_d1", 3, "final", "transaction.completed")], Start.AddDays(-3), Ct);
        await Log.AppendAsync([Event("TRX_d1", 3, "final", "transaction.completed")], Start.AddDays(-3).AddHours(1), Ct);
        await Log.AppendAsync([Event("TRX_d2", 2, "final", "transaction.expired"), Event("TRX_open", 2, "order-v2-ITC")], Start.AddDays(-2), Ct);
        await Log.AppendAsync([Event("TRX_today", 2, "final", "transaction.failed")], Start, Ct);
        var walked = new List<string>();
        Task Finished(IReadOnlyList<string> ids, CancellationToken _)
        {
            walked.AddRange(ids);
            return Task.CompletedTask;
        }

        var first = await Log.WalkFinishedDaysAsync("test", Start.AddDays(-2), Finished, Ct);
        var again = await Log.WalkFinishedDaysAsync("test", Start.AddDays(-2), Finished, Ct);
        var nextDays = await Log.WalkFinishedDaysAsync("test", Start, Finished, Ct);
        var otherWalk = await Log.WalkFinishedDaysAsync("other", Start.AddDays(-2), (_, _) => Task.CompletedTask, Ct);

        Assert.Equal((1, 0, 1, 1), (first, again, nextDays, otherWalk));
        Assert.Equal(["TRX_d1", "TRX_d2"], walked);
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
        var position = OutcomeLogPosition.Of(Event("TRX_a", 12, "order-v12-M&M-BUY-611a21737f8bf5d33e986067"), Start.AddTicks(12345));

        Assert.True(OutcomeLogPosition.TryParseCursor(position.ToString(), out var parsed));
        Assert.Equal(position, parsed);
    }
}
