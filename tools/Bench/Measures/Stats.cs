namespace Bench.Measures;

public static class Stats
{
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static double Median(IReadOnlyList<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Median([.. values.Select(v => (double)v)]);
    }
}

/// <summary>A figure over several runs: its median and range.</summary>
public sealed record Spread(double Median, double Min, double Max)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var all = values.ToList();
        return all.Count == 0 ? new(double.NaN, double.NaN, double.NaN) : new(Stats.Median(all), all.Min(), all.Max());
    }

    /// <summary>"130 (121–142)": the median, then the range when the runs differ in that format.</summary>
    public string Format(string format, string unit = "")
    {
        var median = Median.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
        var (min, max) = (Min.ToString(format, System.Globalization.CultureInfo.InvariantCulture), Max.ToString(format, System.Globalization.CultureInfo.InvariantCulture));
        return min == max ? $"{median}{unit}" : $"{median}{unit} ({min}–{max})";
    }
}
