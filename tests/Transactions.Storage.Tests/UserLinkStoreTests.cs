using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using TestSupport;

namespace Transactions.Storage.Tests;

public sealed class UserLinkStoreTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    private UserLinkStore Store => new(Clients, Time, NullLogger<UserLinkStore>.Instance);

    [Fact]
    public async Task LinkAsync_NewAuthId_LinksBothDirections()
    {
        var outcome = await Store.LinkAsync("alice", "auth-1", "kite", Ct);

        Assert.Equal(LinkOutcome.Linked, outcome);
        Assert.Equal(new UserLink("alice", "auth-1", "kite", Start), await Store.GetByUserAsync("alice", Ct));
        Assert.Equal("alice", await Store.GetOwnerAsync("auth-1", Ct));
    }

    [Fact]
    public async Task LinkAsync_SameUserSameAuthId_IsAlreadyLinkedAndKeepsLinkedAt()
    {
        await Store.LinkAsync("alice", "auth-1", "kite", Ct);
        Time.Advance(TimeSpan.FromHours(1));

        var outcome = await Store.LinkAsync("alice", "auth-1", "kite", Ct);

        Assert.Equal(LinkOutcome.AlreadyLinked, outcome);
        Assert.Equal(Start, (await Store.GetByUserAsync("alice", Ct))!.LinkedAt);
    }

    [Fact]
    public async Task LinkAsync_AuthIdOfAnotherUser_IsRefusedAndChangesNothing()
    {
        await Store.LinkAsync("alice", "auth-1", "kite", Ct);

        var outcome = await Store.LinkAsync("mallory", "auth-1", "kite", Ct);

        Assert.Equal(LinkOutcome.LinkedToAnotherUser, outcome);
        Assert.Null(await Store.GetByUserAsync("mallory", Ct));
        Assert.Equal("alice", await Store.GetOwnerAsync("auth-1", Ct));
    }

    [Fact]
    public async Task LinkAsync_UserRelinksToNewAuthId_UpdatesBothAndReleasesTheOldOne()
    {
        await Store.LinkAsync("alice", "auth-old", "kite", Ct);

        var relinked = await Store.LinkAsync("alice", "auth-new", "groww", Ct);
        var bobTakesOld = await Store.LinkAsync("bob", "auth-old", "kite", Ct);

        Assert.Equal(LinkOutcome.Linked, relinked);
        Assert.Equal(("auth-new", "groww"), ((await Store.GetByUserAsync("alice", Ct))!.SmallcaseAuthId, (await Store.GetByUserAsync("alice", Ct))!.Broker));
        Assert.Equal("alice", await Store.GetOwnerAsync("auth-new", Ct));
        Assert.Equal(LinkOutcome.Linked, bobTakesOld);
        Assert.Equal("bob", await Store.GetOwnerAsync("auth-old", Ct));
    }

    [Fact]
    public async Task LinkAsync_TwoUsersRaceForOneAuthId_ExactlyOneWins()
    {
        var users = Enumerable.Range(0, 8).Select(i => $"racer-{i}").ToList();

        var outcomes = await Task.WhenAll(users.Select(u => Task.Run(() => Store.LinkAsync(u, "auth-contested", null, Ct))));

        Assert.Equal(1, outcomes.Count(o => o == LinkOutcome.Linked));
        Assert.Equal(users.Count - 1, outcomes.Count(o => o == LinkOutcome.LinkedToAnotherUser));
        var owner = await Store.GetOwnerAsync("auth-contested", Ct);
        Assert.Equal(owner, users[Array.IndexOf(outcomes, LinkOutcome.Linked)]);
        Assert.Equal("auth-contested", (await Store.GetByUserAsync(owner!, Ct))!.SmallcaseAuthId);
    }

    [Fact]
    public async Task LinkAsync_AfterACrashBetweenClaimAndForwardRow_CompletesTheLink()
    {
        // A previous attempt claimed the auth id (reverse row) and died before writing the forward row.
        await Clients.Table(TableNames.UserLinks).AddEntityAsync(
            new TableEntity("auth_auth-9", "owner") { ["UserId"] = "carol", ["SmallcaseAuthId"] = "auth-9", ["ClaimedAt"] = Start }, Ct);
        Assert.Null(await Store.GetByUserAsync("carol", Ct));

        var outcome = await Store.LinkAsync("carol", "auth-9", "dhan", Ct);

        Assert.Equal(LinkOutcome.Linked, outcome);
        Assert.Equal("auth-9", (await Store.GetByUserAsync("carol", Ct))!.SmallcaseAuthId);
    }

    [Fact]
    public async Task GetOwnerAsync_UnknownAuthId_ReturnsNull()
    {
        Assert.Null(await Store.GetOwnerAsync("nobody", Ct));
        Assert.Null(await Store.GetByUserAsync("nobody", Ct));
    }
}
