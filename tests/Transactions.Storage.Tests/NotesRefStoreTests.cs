using TestSupport;

namespace Transactions.Storage.Tests;

public sealed class NotesRefStoreTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    private NotesRefStore Store => new(Clients, Time);

    [Fact]
    public void NewReference_IsRefPrefixAnd20UrlSafeRandomCharacters()
    {
        var references = Enumerable.Range(0, 1000).Select(_ => NotesRefStore.NewReference()).ToList();

        Assert.All(references, r => Assert.Matches("^ref_[A-Za-z0-9_-]{20}$", r));
        Assert.All(references, r => Assert.True(NotesRefStore.IsWellFormed(r)));
        Assert.Equal(references.Count, references.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ref_short")]
    [InlineData("user_ABCDEFGHIJKLMNOPQRST")]
    [InlineData("ref_ABCDEFGHIJKLMNOPQR/T")]
    [InlineData("ref_ABCDEFGHIJKLMNOPQRSTU")]
    public void IsWellFormed_AnythingElse_IsFalse(string? text)
    {
        Assert.False(NotesRefStore.IsWellFormed(text));
    }

    [Fact]
    public async Task RecordAsync_ThenGetAsync_MapsTheReferenceToTheUserAndTransaction()
    {
        var notesRef = NotesRefStore.NewReference();

        var outcome = await Store.RecordAsync(notesRef, "user-42", "TRX_a", Ct);

        Assert.Equal(NotesRefOutcome.Recorded, outcome);
        Assert.Equal(new NotesRefRecord(notesRef, "user-42", "TRX_a", Start), await Store.GetAsync(notesRef, Ct));
    }

    [Fact]
    public async Task RecordAsync_SameMappingAgain_IsAlreadyRecorded()
    {
        var notesRef = NotesRefStore.NewReference();
        await Store.RecordAsync(notesRef, "user-42", "TRX_a", Ct);
        Time.Advance(TimeSpan.FromSeconds(5));

        var again = await Store.RecordAsync(notesRef, "user-42", "TRX_a", Ct);

        Assert.Equal(NotesRefOutcome.AlreadyRecorded, again);
        Assert.Equal(new NotesRefRecord(notesRef, "user-42", "TRX_a", Start), await Store.GetAsync(notesRef, Ct));
    }

    [Theory]
    [InlineData("intruder", "TRX_a")]
    [InlineData("owner", "TRX_b")]
    [InlineData("intruder", "TRX_b")]
    public async Task RecordAsync_ReferenceTakenForAnotherUserOrTransaction_IsTakenByAnotherAndKeepsTheFirst(string userId, string transactionId)
    {
        var notesRef = NotesRefStore.NewReference();
        await Store.RecordAsync(notesRef, "owner", "TRX_a", Ct);

        var second = await Store.RecordAsync(notesRef, userId, transactionId, Ct);

        Assert.Equal(NotesRefOutcome.TakenByAnother, second);
        Assert.Equal(new NotesRefRecord(notesRef, "owner", "TRX_a", Start), await Store.GetAsync(notesRef, Ct));
    }

    [Theory]
    [InlineData("ref_short", "user", "TRX_a")]
    [InlineData("user-42", "user", "TRX_a")]
    public async Task RecordAsync_MalformedReference_Throws(string notesRef, string userId, string transactionId)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordAsync(notesRef, userId, transactionId, Ct));
    }

    [Theory]
    [InlineData("", "TRX_a")]
    [InlineData("user", "")]
    public async Task RecordAsync_MissingUserOrTransaction_Throws(string userId, string transactionId)
    {
        var notesRef = NotesRefStore.NewReference();

        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordAsync(notesRef, userId, transactionId, Ct));

        Assert.Null(await Store.GetAsync(notesRef, Ct));
    }

    [Fact]
    public async Task GetAsync_UnknownOrMalformedReference_ReturnsNull()
    {
        Assert.Null(await Store.GetAsync(NotesRefStore.NewReference(), Ct));
        Assert.Null(await Store.GetAsync("../../etc/passwd", Ct));
    }
}
