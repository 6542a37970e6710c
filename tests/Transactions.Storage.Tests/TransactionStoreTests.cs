using Azure;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Microsoft.Extensions.Logging.Abstractions;
using TestSupport;

namespace Transactions.Storage.Tests;

public sealed class TransactionStoreTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    private TransactionStore Store => new(Clients, NullLogger<TransactionStore>.Instance);

    [Fact]
    public async Task InsertAsync_NewTransaction_GetReturnsEveryFieldVerbatim()
    {
        var record = NewRecord("TRX_round", "user-1", Start) with
        {
            StateJson = """{"phase":"Open","orders":[{"ticker":"ITC","note":"é ₹ 😀"}],"n":1.10}""",
            NextWakeAt = Start.AddMinutes(15),
        };

        var insert = await Store.InsertAsync(record, Ct);
        var stored = await Store.GetAsync("TRX_round", Ct);

        Assert.Equal(WriteOutcome.Written, insert.Outcome);
        Assert.NotNull(stored);
        Assert.Equal(insert.ETag, stored.ETag);
        Assert.Equal(record.StateJson, stored.Record.StateJson);
        Assert.Equal(record.Securities, stored.Record.Securities);
        Assert.Equal(record with { Securities = stored.Record.Securities }, stored.Record);
    }

    [Fact]
    public async Task GetAsync_UnknownTransaction_ReturnsNull()
    {
        Assert.Null(await Store.GetAsync("TRX_missing", Ct));
    }

    [Fact]
    public async Task InsertAsync_SameTransactionTwice_SecondIsAlreadyExists()
    {
        await Store.InsertAsync(NewRecord("TRX_dup", "user-1", Start), Ct);

        var second = await Store.InsertAsync(NewRecord("TRX_dup", "user-2", Start) with { Status = "Other" }, Ct);

        Assert.Equal(WriteOutcome.AlreadyExists, second.Outcome);
        Assert.Equal("user-1", (await Store.GetAsync("TRX_dup", Ct))!.Record.UserId);
    }

    [Fact]
    public async Task ReplaceAsync_WithCurrentETag_WritesAndReturnsNewETag()
    {
        var inserted = await Store.InsertAsync(NewRecord("TRX_rep", "user-1", Start), Ct);
        var loaded = (await Store.GetAsync("TRX_rep", Ct))!;

        var replaced = await Store.ReplaceAsync(
            loaded, loaded.Record with { Status = "Placed", Version = 2, NextWakeAt = null, StateJson = "{\"v\":2}" }, [], Ct);

        Assert.Equal(WriteOutcome.Written, replaced.Outcome);
        Assert.NotEqual(inserted.ETag, replaced.ETag);
        var reloaded = (await Store.GetAsync("TRX_rep", Ct))!;
        Assert.Equal(("Placed", 2L, "{\"v\":2}"), (reloaded.Record.Status, reloaded.Record.Version, reloaded.Record.StateJson));
        Assert.Null(reloaded.Record.NextWakeAt);
        Assert.Equal(replaced.ETag, reloaded.ETag);
    }

    [Fact]
    public async Task ReplaceAsync_WithStaleETag_ReturnsConflictAndKeepsTheWinner()
    {
        await Store.InsertAsync(NewRecord("TRX_race", "user-1", Start), Ct);
        var webhookCopy = (await Store.GetAsync("TRX_race", Ct))!;
        var timerCopy = (await Store.GetAsync("TRX_race", Ct))!;

        var first = await Store.ReplaceAsync(webhookCopy, webhookCopy.Record with { Status = "Placed", Version = 2 }, [], Ct);
        var second = await Store.ReplaceAsync(timerCopy, timerCopy.Record with { Status = "Expired", Version = 2 }, [], Ct);

        Assert.Equal(WriteOutcome.Written, first.Outcome);
        Assert.Equal(WriteOutcome.Conflict, second.Outcome);
        Assert.Equal("Placed", (await Store.GetAsync("TRX_race", Ct))!.Record.Status);
    }

    [Fact]
    public async Task ReplaceAsync_ConcurrentWritersWithOneETag_ExactlyOneWins()
    {
        await Store.InsertAsync(NewRecord("TRX_many", "user-1", Start), Ct);
        var loaded = (await Store.GetAsync("TRX_many", Ct))!;

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            Store.ReplaceAsync(loaded, loaded.Record with { Status = $"writer-{i}", Version = 2 }, [], Ct))));

        var winner = Assert.Single(results, r => r.Outcome == WriteOutcome.Written);
        Assert.Equal(5, results.Count(r => r.Outcome == WriteOutcome.Conflict));
        var stored = (await Store.GetAsync("TRX_many", Ct))!;
        Assert.Equal(winner.ETag, stored.ETag);
        Assert.Equal($"writer-{Array.IndexOf(results, winner)}", stored.Record.Status);
    }

    [Fact]
    public async Task ReplaceAsync_MissingRow_ReturnsNotFound()
    {
        await Store.InsertAsync(NewRecord("TRX_other", "user-1", Start), Ct);
        var etag = (await Store.GetAsync("TRX_other", Ct))!.ETag;

        var gone = NewRecord("TRX_gone", "user-1", Start);

        var result = await Store.ReplaceAsync(new StoredTransaction(gone, etag), gone with { Version = 2 }, [], Ct);

        Assert.Equal(WriteOutcome.NotFound, result.Outcome);
    }

    [Fact]
    public async Task ReplaceAsync_WithoutARealETag_Throws()
    {
        var record = NewRecord("TRX_x", "u", Start);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReplaceAsync(new StoredTransaction(record, ETag.All), record, [], Ct));
    }

    [Fact]
    public async Task ReplaceAsync_WithEvents_SavesTheStateAndRecordsTheEventsUnpublished()
    {
        await Store.InsertAsync(NewRecord("TRX_evt", "user-1", Start), Ct);
        var loaded = (await Store.GetAsync("TRX_evt", Ct))!;

        var replaced = await Store.ReplaceAsync(
            loaded, loaded.Record with { Status = "Placed", Version = 2 }, [Event("TRX_evt", 2, "order-v2-ITC"), Event("TRX_evt", 2, "order-v2-TCS")], Ct);

        Assert.Equal(WriteOutcome.Written, replaced.Outcome);
        var reloaded = (await Store.GetAsync("TRX_evt", Ct))!;
        Assert.Equal((replaced.ETag, "Placed", 2L), (reloaded.ETag, reloaded.Record.Status, reloaded.Record.Version));
        Assert.Equal(
            [Event("TRX_evt", 2, "order-v2-ITC"), Event("TRX_evt", 2, "order-v2-TCS")],
            await new OutboxStore(Clients, Time).ListUnpublishedAsync("TRX_evt", Ct));
    }

    [Fact]
    public async Task ReplaceAsync_WithEventsAndStaleETag_ConflictAndWritesNeitherStateNorEvents()
    {
        await Store.InsertAsync(NewRecord("TRX_evt412", "user-1", Start), Ct);
        var webhookCopy = (await Store.GetAsync("TRX_evt412", Ct))!;
        var timerCopy = (await Store.GetAsync("TRX_evt412", Ct))!;
        await Store.ReplaceAsync(timerCopy, timerCopy.Record with { Status = "OrdersOpen", Version = 2 }, [], Ct);

        var stale = await Store.ReplaceAsync(
            webhookCopy, webhookCopy.Record with { Status = "Completed", Version = 2 }, [Event("TRX_evt412", 2, "final")], Ct);

        Assert.Equal(WriteOutcome.Conflict, stale.Outcome);
        Assert.Equal("OrdersOpen", (await Store.GetAsync("TRX_evt412", Ct))!.Record.Status);
        Assert.Empty(await new OutboxStore(Clients, Time).ListUnpublishedAsync("TRX_evt412", Ct));
    }

    [Fact]
    public async Task ReplaceAsync_WithEventsForAMissingRow_ReturnsNotFoundAndRecordsNothing()
    {
        await Store.InsertAsync(NewRecord("TRX_other2", "user-1", Start), Ct);
        var etag = (await Store.GetAsync("TRX_other2", Ct))!.ETag;
        var gone = NewRecord("TRX_gone2", "user-1", Start);

        var result = await Store.ReplaceAsync(new StoredTransaction(gone, etag), gone with { Version = 2 }, [Event("TRX_gone2", 2, "final")], Ct);

        Assert.Equal(WriteOutcome.NotFound, result.Outcome);
        Assert.Empty(await new OutboxStore(Clients, Time).ListUnpublishedAsync("TRX_gone2", Ct));
    }

    [Fact]
    public async Task ReplaceAsync_StatusUnchanged_LeavesTheIndexRowAsItWas()
    {
        await Store.InsertAsync(NewRecord("TRX_same", "same-status", Start), Ct);
        var loaded = (await Store.GetAsync("TRX_same", Ct))!;

        var written = await Store.ReplaceAsync(loaded, loaded.Record with { Version = 2, UpdatedAt = Start.AddMinutes(1) }, [], Ct);
        var afterSame = Assert.Single((await Store.ListForUserAsync("same-status", null, null, 10, Ct)).Items);
        var current = new StoredTransaction(loaded.Record with { Version = 2, UpdatedAt = Start.AddMinutes(1) }, written.ETag);
        await Store.ReplaceAsync(current, current.Record with { Status = "Placed", Version = 3, UpdatedAt = Start.AddMinutes(2) }, [], Ct);
        var afterChange = Assert.Single((await Store.ListForUserAsync("same-status", null, null, 10, Ct)).Items);

        Assert.Equal(("Created", Start), (afterSame.Status, afterSame.UpdatedAt));
        Assert.Equal(("Placed", Start.AddMinutes(2)), (afterChange.Status, afterChange.UpdatedAt));
    }

    [Fact]
    public async Task ReplaceAsync_EventOfAnotherTransaction_Throws()
    {
        await Store.InsertAsync(NewRecord("TRX_mine", "user-1", Start), Ct);
        var loaded = (await Store.GetAsync("TRX_mine", Ct))!;

        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.ReplaceAsync(loaded, loaded.Record with { Version = 2 }, [Event("TRX_theirs", 2, "final")], Ct));
    }

    [Fact]
    public async Task InsertAsync_StateJsonOver64KiB_FailsClearlyAndWritesNothing()
    {
        var record = NewRecord("TRX_big", "user-1", Start) with { StateJson = new string('x', 32 * 1024 + 1) };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.InsertAsync(record, Ct));

        Assert.Contains("StateJson", error.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync("TRX_big", Ct));
    }

    [Fact]
    public async Task InsertAsync_StateJsonAtTheLimit_RoundTrips()
    {
        var state = "\"" + new string('s', 32 * 1024 - 2) + "\"";
        await Store.InsertAsync(NewRecord("TRX_edge", "user-1", Start) with { StateJson = state }, Ct);

        Assert.Equal(state, (await Store.GetAsync("TRX_edge", Ct))!.Record.StateJson);
    }

    [Fact]
    public async Task ListForUserAsync_25RowsPageSize10_ReturnsThreePagesNewestFirst()
    {
        for (var i = 0; i < 25; i++)
        {
            await Store.InsertAsync(NewRecord($"TRX_{i:D2}", "pager", Start.AddMinutes(i)), Ct);
        }

        await Store.InsertAsync(NewRecord("TRX_someone_else", "other-user", Start), Ct);

        var seen = new List<string>();
        var pageSizes = new List<int>();
        TransactionCursor? cursor = null;
        do
        {
            var page = await Store.ListForUserAsync("pager", status: null, cursor, pageSize: 10, Ct);
            pageSizes.Add(page.Items.Count);
            seen.AddRange(page.Items.Select(i => i.TransactionId));

            // The cursor survives the trip through a client as an opaque string.
            cursor = page.Next is null ? null : Parse(page.Next.ToString());
        }
        while (cursor is not null);

        Assert.Equal([10, 10, 5], pageSizes);
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => $"TRX_{i:D2}"), seen);
    }

    [Fact]
    public async Task ListForUserAsync_StatusFilter_ReturnsOnlyMatchingRowsInFullPages()
    {
        for (var i = 0; i < 12; i++)
        {
            var status = i % 3 == 0 ? "Completed" : "Open";
            await Store.InsertAsync(NewRecord($"TRX_s{i:D2}", "filter", Start.AddMinutes(i)) with { Status = status }, Ct);
        }

        var first = await Store.ListForUserAsync("filter", "Completed", after: null, pageSize: 3, Ct);
        var second = await Store.ListForUserAsync("filter", "Completed", first.Next, pageSize: 3, Ct);

        Assert.Equal(["TRX_s09", "TRX_s06", "TRX_s03"], first.Items.Select(i => i.TransactionId));
        Assert.All(first.Items, i => Assert.Equal("Completed", i.Status));
        Assert.Equal(["TRX_s00"], second.Items.Select(i => i.TransactionId));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task ListForUserAsync_AfterReplace_ShowsTheNewStatusWithoutASecondRead()
    {
        await Store.InsertAsync(NewRecord("TRX_idx", "indexed", Start), Ct);
        var loaded = (await Store.GetAsync("TRX_idx", Ct))!;
        var updatedAt = Start.AddMinutes(3);

        await Store.ReplaceAsync(loaded, loaded.Record with { Status = "Completed", Version = 2, UpdatedAt = updatedAt }, [], Ct);
        var page = await Store.ListForUserAsync("indexed", null, null, 10, Ct);

        var item = Assert.Single(page.Items);
        Assert.Equal(new TransactionSummary("TRX_idx", "Completed", Start, updatedAt, loaded.Record.ExpireAt), item);
    }

    [Fact]
    public async Task SyncIndexAsync_OlderVersion_DoesNotOverwriteNewerIndexRow()
    {
        var record = NewRecord("TRX_ver", "versions", Start);
        await Store.InsertAsync(record, Ct);
        await Store.SyncIndexAsync(record with { Status = "Completed", Version = 5 }, Ct);

        await Store.SyncIndexAsync(record with { Status = "Placed", Version = 4 }, Ct);

        var item = Assert.Single((await Store.ListForUserAsync("versions", null, null, 10, Ct)).Items);
        Assert.Equal("Completed", item.Status);
    }

    [Fact]
    public async Task SyncIndexAsync_MissingIndexRow_RecreatesIt()
    {
        var record = NewRecord("TRX_repair", "repair", Start);
        await Store.InsertAsync(record, Ct);
        await Clients.Table(TableNames.UserTransactions).DeleteAsync(Ct);
        await Clients.Table(TableNames.UserTransactions).CreateAsync(Ct);
        Assert.Empty((await Store.ListForUserAsync("repair", null, null, 10, Ct)).Items);

        await Store.SyncIndexAsync(record, Ct);

        Assert.Equal("TRX_repair", Assert.Single((await Store.ListForUserAsync("repair", null, null, 10, Ct)).Items).TransactionId);
    }

    [Fact]
    public async Task ReplaceAsync_StatusChangesAgainInOneInstance_IndexReplacedWithoutReadingItFirst()
    {
        var requests = new RequestRecorder();
        var options = Options(Azurite.ConnectionString, Clients.NamePrefix);
        options.AdditionalPolicies.Add(requests);
        var store = new TransactionStore(new StorageClients(options), NullLogger<TransactionStore>.Instance);
        // Inserted by another instance: this one has not written the index row yet.
        await Store.InsertAsync(NewRecord("TRX_etag", "etag-user", Start), Ct);
        var loaded = (await store.GetAsync("TRX_etag", Ct))!;
        requests.Take();
        var placed = loaded.Record with { Status = "OrdersOpen", Version = 2 };
        var second = new StoredTransaction(placed, (await store.ReplaceAsync(loaded, placed, [], Ct)).ETag);
        var firstSync = IndexMethods(requests.Take());

        await store.ReplaceAsync(second, placed with { Status = "Confirming", Version = 3 }, [], Ct);

        Assert.Equal(["GET", "PUT"], firstSync);
        Assert.Equal(["PUT"], IndexMethods(requests.Take()));
        Assert.Equal("Confirming", Assert.Single((await Store.ListForUserAsync("etag-user", null, null, 10, Ct)).Items).Status);
    }

    [Fact]
    public async Task SyncIndexAsync_RowWrittenSinceByAnotherInstance_KeepsTheNewerVersion()
    {
        var record = NewRecord("TRX_two", "two-instances", Start);
        var mine = Store;
        await mine.InsertAsync(record, Ct);
        await mine.SyncIndexAsync(record with { Status = "OrdersOpen", Version = 2 }, Ct);
        await Store.SyncIndexAsync(record with { Status = "Completed", Version = 4 }, Ct);

        await mine.SyncIndexAsync(record with { Status = "Confirming", Version = 3 }, Ct);

        Assert.Equal("Completed", Assert.Single((await Store.ListForUserAsync("two-instances", null, null, 10, Ct)).Items).Status);
    }

    [Fact]
    public async Task ListForUserAsync_UserIdWithReservedKeyCharacters_IsIsolatedPerUser()
    {
        await Store.InsertAsync(NewRecord("TRX_a", "tenant/alice#1", Start), Ct);
        await Store.InsertAsync(NewRecord("TRX_b", "tenant%2Falice%231", Start), Ct);

        var alice = await Store.ListForUserAsync("tenant/alice#1", null, null, 10, Ct);
        var lookalike = await Store.ListForUserAsync("tenant%2Falice%231", null, null, 10, Ct);

        Assert.Equal("TRX_a", Assert.Single(alice.Items).TransactionId);
        Assert.Equal("TRX_b", Assert.Single(lookalike.Items).TransactionId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    [InlineData("MTIzX1RSWA")] // "123_TRX": too few tick digits
    public void TransactionCursor_TryParse_RejectsAnythingItDidNotMake(string text)
    {
        Assert.False(TransactionCursor.TryParse(text, out _));
    }

    internal static OutboxEvent Event(string transactionId, long version, string eventId) =>
        new(transactionId, version, eventId, "order.updated", $$"""{"id":"{{transactionId}}/{{eventId}}"}""", Start);

    private static TransactionCursor Parse(string text) =>
        TransactionCursor.TryParse(text, out var cursor) ? cursor : throw new InvalidOperationException("bad cursor " + text);

    internal static TransactionRecord NewRecord(string transactionId, string userId, DateTimeOffset createdAt) => new()
    {
        TransactionId = transactionId,
        UserId = userId,
        NotesRef = NotesRefStore.NewReference(),
        CreatedAt = createdAt,
        ExpireAt = createdAt.AddMinutes(15),
        Securities = [new SecurityOrder("RELIANCE", 10, TradeType.Buy), new SecurityOrder("ITC", 5, TradeType.Sell)],
        Status = "Created",
        StateJson = "{}",
        NextWakeAt = createdAt.AddMinutes(15),
        Version = 1,
        UpdatedAt = createdAt,
    };

    /// <summary>The methods of the requests among <paramref name="requests"/> that went to the user index.</summary>
    private static List<string> IndexMethods(IReadOnlyList<RecordedRequest> requests) =>
        [.. requests.Where(r => r.Path.Contains(TableNames.UserTransactions, StringComparison.Ordinal)).Select(r => r.Method)];
}
