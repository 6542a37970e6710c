namespace Bench.Report;

/// <summary>What a host's idle storage requests cost a month at a per-10,000-operation price.</summary>
public static class IdlePrice
{
    /// <summary>USD per 10,000 storage operations.</summary>
    public const decimal PerTenThousand = 0.004m;

    public const string Source =
        "an assumed Standard general-purpose v2 LRS queue operation price; this machine has no internet to check Azure's current published one, so scale the figures to your region's";

    public static decimal PerMonth(double requestsPerMinute) => (decimal)requestsPerMinute * 60 * 24 * 30 / 10_000 * PerTenThousand;
}
