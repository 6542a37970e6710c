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
    public async Task CreateAsync_ThenGetAsync_MapsTheReferenceToTheUser()
    {
        var created = await Store.CreateAsync("user-42", Ct);

        var found = await Store.GetAsync(created.NotesRef, Ct);

        Assert.Equal(new NotesRefRecord(created.NotesRef, "user-42", null, Start), found);
    }

    [Fact]
    public async Task InsertAsync_ExistingReference_IsAlreadyExistsAndKeepsTheOwner()
    {
        var notesRef = NotesRefStore.NewReference();
        var first = await Store.InsertAsync(new NotesRefRecord(notesRef, "owner", null, Start), Ct);

        var second = await Store.InsertAsync(new NotesRefRecord(notesRef, "intruder", "TRX_1", Start), Ct);

        Assert.Equal(WriteOutcome.Written, first.Outcome);
        Assert.Equal(WriteOutcome.AlreadyExists, second.Outcome);
        Assert.Equal("owner", (await Store.GetAsync(notesRef, Ct))!.UserId);
    }

    [Fact]
    public async Task AttachTransactionAsync_AttachesOnceAndRefusesAnotherTransaction()
    {
        var created = await Store.CreateAsync("user-1", Ct);

        var attached = await Store.AttachTransactionAsync(created.NotesRef, "TRX_a", Ct);
        var again = await Store.AttachTransactionAsync(created.NotesRef, "TRX_a", Ct);
        var other = await Store.AttachTransactionAsync(created.NotesRef, "TRX_b", Ct);

        Assert.Equal(
            [AttachOutcome.Attached, AttachOutcome.AlreadyAttached, AttachOutcome.AttachedToAnotherTransaction],
            new[] { attached, again, other });
        Assert.Equal("TRX_a", (await Store.GetAsync(created.NotesRef, Ct))!.TransactionId);
    }

    [Fact]
    public async Task AttachTransactionAsync_UnknownReference_IsNotFound()
    {
        Assert.Equal(AttachOutcome.NotFound, await Store.AttachTransactionAsync(NotesRefStore.NewReference(), "TRX_a", Ct));
    }

    [Fact]
    public async Task GetAsync_UnknownOrMalformedReference_ReturnsNull()
    {
        Assert.Null(await Store.GetAsync(NotesRefStore.NewReference(), Ct));
        Assert.Null(await Store.GetAsync("../../etc/passwd", Ct));
    }
}
