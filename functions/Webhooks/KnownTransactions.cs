using Microsoft.Extensions.Caching.Memory;
using Transactions.Storage;

namespace FunctionApp.Webhooks;

/// <summary>Who a transaction belongs to, the notes reference it was created with, and its trace (see <see cref="Telemetry.TransactionTrace"/>).</summary>
public sealed record TransactionIdentity(string UserId, string NotesRef, string? TraceParent = null);

/// <summary>
/// The identity of transactions this instance has already looked up, for the webhook intake: a transaction gets
/// several webhooks (placed, updated, completed, redeliveries) and its owner and notes reference are fixed when it is
/// created, so only the first one needs to read the row, and none when this instance created it. Only transactions that
/// exist are remembered; the cache is bounded (when full, entries are evicted and read again on their next webhook).
/// </summary>
public sealed class KnownTransactions(TransactionStore transactions) : IDisposable
{
    public const int Capacity = 50_000;

    private static readonly MemoryCacheEntryOptions Entry = new() { Size = 1 };

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = Capacity });

    /// <returns>Null when there is no such transaction.</returns>
    public async Task<TransactionIdentity?> GetAsync(string transactionId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(transactionId, out TransactionIdentity? known))
        {
            return known;
        }

        if (await transactions.GetAsync(transactionId, cancellationToken) is not { } stored)
        {
            return null;
        }

        var identity = new TransactionIdentity(stored.Record.UserId, stored.Record.NotesRef, stored.Record.TraceParent);
        cache.Set(transactionId, identity, Entry);
        return identity;
    }

    /// <summary>Remembers a transaction this instance has just stored (its webhooks often come back to the same instance).</summary>
    public void Remember(string transactionId, TransactionIdentity identity) => cache.Set(transactionId, identity, Entry);

    public void Dispose() => cache.Dispose();
}
