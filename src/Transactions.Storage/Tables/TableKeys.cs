using System.Globalization;
using System.Text;

namespace Transactions.Storage;

/// <summary>
/// Turns outside identifiers (user ids from tokens, transaction ids from webhooks) into valid PartitionKey/RowKey
/// values. Keys may not contain <c>/ \ # ?</c> or control characters; those and <c>%</c> are percent-encoded, so
/// the mapping is injective and ordinary ids stay readable. Keys are limited to 1 KiB (512 UTF-16 characters).
/// </summary>
internal static class TableKeys
{
    public const int MaxKeyChars = 512;

    /// <exception cref="ArgumentException">Empty, or longer than a key may be once encoded.</exception>
    public static string Escape(string value, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, paramName);
        string escaped;
        if (!value.Any(NeedsEscape))
        {
            escaped = value;
        }
        else
        {
            var builder = new StringBuilder(value.Length + 8);
            foreach (var c in value)
            {
                if (NeedsEscape(c))
                {
                    builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(c);
                }
            }

            escaped = builder.ToString();
        }

        return escaped.Length <= MaxKeyChars
            ? escaped
            : throw new ArgumentException($"{paramName} is too long for a table key ({escaped.Length} > {MaxKeyChars} characters).", paramName);
    }

    private static bool NeedsEscape(char c) =>
        c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c);
}
