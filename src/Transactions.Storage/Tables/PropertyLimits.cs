namespace Transactions.Storage;

/// <summary>Table Storage property size limits, checked before a write so an oversized value fails clearly.</summary>
internal static class PropertyLimits
{
    /// <summary>A string property holds at most 64 KiB of UTF-16, i.e. 32,768 characters.</summary>
    public const int MaxStringChars = 32 * 1024;

    /// <summary>A binary property holds at most 64 KiB.</summary>
    public const int MaxBinaryBytes = 64 * 1024;

    /// <exception cref="ArgumentException">The value does not fit in one string property.</exception>
    public static string EnsureFits(string value, string property)
    {
        ArgumentNullException.ThrowIfNull(value, property);
        return value.Length <= MaxStringChars
            ? value
            : throw new ArgumentException(
                $"{property} is {value.Length} characters; a Table Storage string property holds at most {MaxStringChars} (64 KiB of UTF-16).",
                property);
    }
}
