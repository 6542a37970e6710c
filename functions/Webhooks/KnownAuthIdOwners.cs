using Microsoft.Extensions.Caching.Memory;
using Transactions.Storage;

namespace FunctionApp.Webhooks;

/// <summary>
/// Which user owns a smallcaseAuthId, as this instance last read it, for the webhook intake: every webhook names a
/// smallcaseAuthId, and reading its owner for every hit would double the storage work of an acknowledgement.
/// </summary>
/// <remarks>
/// An owner changes only when a user re-links to another broker account and a different user then links the released
/// one, so an owner is remembered for <see cref="OwnedFor"/>; "nobody" changes whenever a user links, so it is
/// remembered only briefly (<see cref="UnownedFor"/>) and forgotten at once when this instance links it. A stale answer
/// either refuses a hit (the Gateway redelivers it later) or lets through one that the tracker still checks against
/// the transaction's own smallcaseAuthId and confirms with the Gateway.
/// </remarks>
public sealed class KnownAuthIdOwners(UserLinkStore links, TimeProvider clock) : IDisposable
{
    public const int Capacity = 50_000;

    public static readonly TimeSpan OwnedFor = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan UnownedFor = TimeSpan.FromSeconds(30);

    private static readonly MemoryCacheEntryOptions Entry = new() { Size = 1 };

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = Capacity });

    private sealed record Owner(string? UserId, DateTimeOffset ReadAt);

    /// <returns>The owning user's id, or null when no user has linked <paramref name="smallcaseAuthId"/>.</returns>
    public async Task<string?> GetOwnerAsync(string smallcaseAuthId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(smallcaseAuthId, out Owner? known) && now - known!.ReadAt < (known.UserId is null ? UnownedFor : OwnedFor))
        {
            return known.UserId;
        }

        var owner = await links.GetOwnerAsync(smallcaseAuthId, cancellationToken);
        cache.Set(smallcaseAuthId, new Owner(owner, now), Entry);
        return owner;
    }

    /// <summary>Forgets what this instance knew of <paramref name="smallcaseAuthId"/> (it has just been linked here).</summary>
    public void Forget(string smallcaseAuthId) => cache.Remove(smallcaseAuthId);

    public void Dispose() => cache.Dispose();
}
