using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TestSupport;

namespace Transactions.Storage.Tests;

/// <summary>
/// Base of the Azurite-backed tests: every test gets its own random table/queue name prefix on the shared Azurite,
/// created by <see cref="StorageInitializer"/>, and a fake clock.
/// </summary>
[Collection(SharedAzurite.Name)]
public abstract class StorageTest(AzuriteFixture azurite) : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);

    protected AzuriteFixture Azurite { get; } = azurite;

    protected FakeTimeProvider Time { get; } = new(Start);

    protected StorageClients Clients { get; private set; } = null!;

    /// <summary>Bounds every storage call of a test, so a hang fails the test instead of the run.</summary>
    protected CancellationToken Ct { get; } = new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    public virtual async Task InitializeAsync()
    {
        Clients = new StorageClients(Options(Azurite.ConnectionString));
        await new StorageInitializer(Clients, NullLogger<StorageInitializer>.Instance).InitializeAsync(Ct);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static StorageOptions Options(string connectionString, string? prefix = null) => new()
    {
        ConnectionString = connectionString,
        NamePrefix = prefix ?? NewPrefix(),
    };

    /// <summary>"t" + 10 lower-case hex characters: valid in table and queue names.</summary>
    protected static string NewPrefix() => "t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
}
