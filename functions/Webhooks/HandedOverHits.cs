using Microsoft.Extensions.Caching.Memory;

namespace FunctionApp.Webhooks;

/// <summary>
/// The dedupe keys of hits this instance has already handed to the tracker, so that a redelivery of the same bytes
/// (the Gateway retries, the simulator duplicates) is acknowledged without a second signal. Bounded: a key evicted or
/// held by another instance costs one more signal, which only prompts a Gateway read that is due anyway.
/// </summary>
public sealed class HandedOverHits : IDisposable
{
    public const int Capacity = 100_000;

    private static readonly MemoryCacheEntryOptions Entry = new() { Size = 1 };

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public bool Contains(string dedupeKey) => cache.TryGetValue(dedupeKey, out _);

    /// <summary>Call only once the hit is durably handed over.</summary>
    public void Add(string dedupeKey) => cache.Set(dedupeKey, true, Entry);

    public void Dispose() => cache.Dispose();
}
