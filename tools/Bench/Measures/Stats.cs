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
