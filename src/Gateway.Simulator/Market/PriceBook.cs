using System.Collections.Frozen;
using System.Text;

namespace Gateway.Simulator.Market;

/// <summary>What kind of NSE instrument a ticker is.</summary>
public enum InstrumentKind
{
    Stock,
    Etf,
    Reit,
    Invit,
}

/// <summary>One instrument of the simulator's pool: its NSE ticker, its kind and its reference price in INR.</summary>
public sealed record Instrument(string Ticker, InstrumentKind Kind, decimal ReferencePrice);

/// <summary>
/// Where simulated fills are priced. Each order fills at its ticker's reference price moved by a deterministic offset
/// of at most <see cref="Band"/> either way, on the <see cref="TickSize"/> tick. The offset comes from a hash of the
/// ticker and the order's exchange order id, so every order gets its own price and a run repeats its prices when the
/// same orders are placed in the same order. A scenario's <c>price</c> overrides all of this per ticker.
/// </summary>
public static class PriceBook
{
    public const decimal TickSize = 0.05m;

    /// <summary>How far a fill may sit from the reference price: ±1%.</summary>
    public const decimal Band = 0.01m;

    /// <summary>The lowest reference price a ticker outside the pool gets.</summary>
    public const decimal FallbackMinimum = 50m;

    /// <summary>The highest reference price a ticker outside the pool gets.</summary>
    public const decimal FallbackMaximum = 3_000m;

    /// <summary>When the pool's reference prices were taken.</summary>
    public static readonly DateOnly ReferenceDate = new(2025, 11, 28);

    /// <summary>
    /// The simulator's instrument pool: NSE stocks, ETFs, REITs and InvITs, each with an approximate reference price
    /// in INR of the right order as of <see cref="ReferenceDate"/> (late November 2025). They are rounded levels for
    /// believable fills, not quotes: do not use them for anything that needs a real price.
    /// </summary>
    public static IReadOnlyList<Instrument> Pool { get; } =
    [
        new("RELIANCE", InstrumentKind.Stock, 1_520.00m),
        new("TCS", InstrumentKind.Stock, 3_100.00m),
        new("INFY", InstrumentKind.Stock, 1_540.00m),
        new("HDFCBANK", InstrumentKind.Stock, 1_000.00m),
        new("ICICIBANK", InstrumentKind.Stock, 1_380.00m),
        new("SBIN", InstrumentKind.Stock, 970.00m),
        new("ITC", InstrumentKind.Stock, 405.00m),
        new("LT", InstrumentKind.Stock, 4_000.00m),
        new("AXISBANK", InstrumentKind.Stock, 1_270.00m),
        new("WIPRO", InstrumentKind.Stock, 245.00m),
        new("MARUTI", InstrumentKind.Stock, 15_800.00m),
        new("ONGC", InstrumentKind.Stock, 245.00m),
        new("NTPC", InstrumentKind.Stock, 325.00m),
        new("M&M", InstrumentKind.Stock, 3_700.00m),
        new("BHARTIARTL", InstrumentKind.Stock, 2_100.00m),
        new("NIFTYBEES", InstrumentKind.Etf, 290.00m),
        new("BANKBEES", InstrumentKind.Etf, 600.00m),
        new("GOLDBEES", InstrumentKind.Etf, 102.00m),
        new("EMBASSY", InstrumentKind.Reit, 410.00m),
        new("MINDSPACE", InstrumentKind.Reit, 440.00m),
        new("BIRET", InstrumentKind.Reit, 335.00m),
        new("NXST", InstrumentKind.Reit, 155.00m),
        new("PGINVIT", InstrumentKind.Invit, 90.00m),
        new("INDIGRID", InstrumentKind.Invit, 162.00m),
        new("IRBINVIT", InstrumentKind.Invit, 61.00m),
    ];

    /// <summary>
    /// Fallback reference prices: six ranges of roughly doubling width, one picked per ticker, so that prices spread
    /// roughly evenly on a log scale between <see cref="FallbackMinimum"/> and <see cref="FallbackMaximum"/>.
    /// </summary>
    private static readonly (decimal From, decimal To)[] FallbackRanges =
        [(50m, 100m), (100m, 200m), (200m, 400m), (400m, 800m), (800m, 1_600m), (1_600m, FallbackMaximum)];

    private static readonly FrozenDictionary<string, Instrument> ByTicker = Pool.ToFrozenDictionary(i => i.Ticker, StringComparer.Ordinal);

    /// <summary>The pool's instrument with this ticker (case-sensitive, as NSE symbols are), or null.</summary>
    public static Instrument? Find(string ticker)
    {
        ArgumentNullException.ThrowIfNull(ticker);
        return ByTicker.GetValueOrDefault(ticker);
    }

    /// <summary>
    /// The ticker's reference price: the pool's, or for any other ticker a fixed price from a hash of the symbol,
    /// <see cref="FallbackMinimum"/> to <see cref="FallbackMaximum"/> INR on the tick.
    /// </summary>
    public static decimal ReferencePriceOf(string ticker)
    {
        ArgumentNullException.ThrowIfNull(ticker);
        if (ByTicker.TryGetValue(ticker, out var instrument))
        {
            return instrument.ReferencePrice;
        }

        var hash = Hash(ticker);
        var (from, to) = FallbackRanges[(int)(hash % (ulong)FallbackRanges.Length)];
        var steps = (ulong)((to - from) / TickSize);
        return from + ((hash / (ulong)FallbackRanges.Length) % (steps + 1)) * TickSize;
    }

    /// <summary>
    /// The price one order fills at: the reference price plus a whole number of ticks within ±<see cref="Band"/> of
    /// it, from a hash of the ticker and <paramref name="orderKey"/> (the exchange order id). Same inputs, same price.
    /// </summary>
    public static decimal FillPrice(string ticker, string orderKey)
    {
        ArgumentNullException.ThrowIfNull(orderKey);
        var reference = ReferencePriceOf(ticker);
        var maxTicks = (ulong)decimal.Floor(reference * Band / TickSize);
        var offset = (long)(Hash(ticker + "\n" + orderKey) % ((2 * maxTicks) + 1)) - (long)maxTicks;
        return reference + offset * TickSize;
    }

    /// <summary>64-bit FNV-1a of the UTF-8 bytes with a SplitMix64 finish: stable across processes and platforms.</summary>
    private static ulong Hash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }

        hash = unchecked((hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL);
        hash = unchecked((hash ^ (hash >> 27)) * 0x94D049BB133111EBUL);
        return hash ^ (hash >> 31);
    }
}
