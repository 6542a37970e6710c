using FunctionApp.Tests.Infrastructure;
using FunctionApp.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Webhooks;

[Collection(SharedAzurite.Name)]
public sealed class KnownAuthIdOwnersTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string AuthId = "611a21465fc1af22353c1395";

    private readonly FakeTimeProvider clock = new(AppHarness.MarketHours);
    private StorageClients clients = null!;

    public async Task InitializeAsync()
    {
        clients = new StorageClients(new StorageOptions { ConnectionString = azurite.ConnectionString, NamePrefix = "o" + Guid.NewGuid().ToString("N")[..10] });
        await new StorageInitializer(clients, NullLogger<StorageInitializer>.Instance).InitializeAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GetOwnerAsync_NobodyThenLinkedByAnotherInstance_NobodyOnlyUntilItsShortMemoryRunsOut()
    {
        using var owners = new KnownAuthIdOwners(Links(), clock);
        var before = await owners.GetOwnerAsync(AuthId, CancellationToken.None);
        await Links().LinkAsync("bob", AuthId, "kite", CancellationToken.None);

        var remembered = await owners.GetOwnerAsync(AuthId, CancellationToken.None);
        clock.Advance(KnownAuthIdOwners.UnownedFor);
        var reread = await owners.GetOwnerAsync(AuthId, CancellationToken.None);

        Assert.Null(before);
        Assert.Null(remembered);
        Assert.Equal("bob", reread);
    }

    [Fact]
    public async Task GetOwnerAsync_OwnerChangesElsewhere_OwnerRememberedForItsLongerMemory()
    {
        await Links().LinkAsync("alice", AuthId, "kite", CancellationToken.None);
        using var owners = new KnownAuthIdOwners(Links(), clock);
        Assert.Equal("alice", await owners.GetOwnerAsync(AuthId, CancellationToken.None));

        // Alice moves to another broker account; Bob then links the one she released.
        await Links().LinkAsync("alice", "622b32576fd2bf33464d2406", "kite", CancellationToken.None);
        await Links().LinkAsync("bob", AuthId, "kite", CancellationToken.None);
        clock.Advance(KnownAuthIdOwners.UnownedFor);
        var remembered = await owners.GetOwnerAsync(AuthId, CancellationToken.None);
        clock.Advance(KnownAuthIdOwners.OwnedFor - KnownAuthIdOwners.UnownedFor);
        var reread = await owners.GetOwnerAsync(AuthId, CancellationToken.None);

        Assert.Equal("alice", remembered);
        Assert.Equal("bob", reread);
    }

    [Fact]
    public async Task Forget_AfterThisInstanceLinkedIt_ReadAgainAtOnce()
    {
        using var owners = new KnownAuthIdOwners(Links(), clock);
        Assert.Null(await owners.GetOwnerAsync(AuthId, CancellationToken.None));
        await Links().LinkAsync("bob", AuthId, "kite", CancellationToken.None);

        owners.Forget(AuthId);

        Assert.Equal("bob", await owners.GetOwnerAsync(AuthId, CancellationToken.None));
    }

    private UserLinkStore Links() => new(clients, clock, NullLogger<UserLinkStore>.Instance);
}
