using System.Text;

namespace Gateway.Simulator.Market;

/// <summary>
/// A deterministic price per ticker, so that runs are repeatable: 100.00 to 5,000.00 INR on the 0.05 tick,
/// from a FNV-1a hash of the symbol. A scenario can override it per ticker.
/// </summary>
public static class PriceBook
{
    public const decimal TickSize = 0.05m;
    public const decimal MinimumPrice = 100m;
    private const uint PriceSteps = 98_001;

    public static decimal PriceOf(string ticker)
    {
        ArgumentNullException.ThrowIfNull(ticker);
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(ticker))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return MinimumPrice + (hash % PriceSteps) * TickSize;
    }
}
