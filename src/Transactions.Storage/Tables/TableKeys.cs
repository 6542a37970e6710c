using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Transactions.Storage;

/// <summary>
/// Turns outside identifiers (user ids from tokens, transaction ids from webhooks) into valid PartitionKey/RowKey
/// values. Keys may not contain <c>/ \ # ?</c> or control characters; those and <c>%</c> are percent-encoded, so
/// the mapping is injective and ordinary ids stay readable. Keys are limited to 1 KiB (512 UTF-16 characters).
/// User ids, which come from tokens and can be anything, go through <see cref="User"/>, which never throws.
/// </summary>
internal static class TableKeys
{
    public const int MaxKeyChars = 512;

    /// <summary>
    /// Longest user key kept readable (the escaped id); leaves room for a short prefix such as UserLinks'
    /// <c>user_</c>. Hashed keys are <see cref="HashedUserPrefix"/> plus 64 hex digits.
    /// </summary>
    public const int MaxReadableUserKeyChars = 500;

    /// <summary>Starts the key of a user id that is not kept readable.</summary>
    public const string HashedUserPrefix = "%sha256:";

    /// <summary>
    /// The one key (or key part) every table derives from a platform user id, for any string: the escaped id when it
    /// is non-empty, well-formed UTF-16 and at most <see cref="MaxReadableUserKeyChars"/> once escaped, else
    /// <see cref="HashedUserPrefix"/> + the SHA-256 (hex) of its UTF-16 code units. Same id, same key; different ids,
    /// different keys.
    /// </summary>
    public static string User(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (userId.Length is > 0 and <= MaxReadableUserKeyChars && IsWellFormedUtf16(userId))
        {
            var escaped = EscapeUnchecked(userId);
            if (escaped.Length <= MaxReadableUserKeyChars)
            {
                return escaped;
            }
        }

        // Never equal to an escaped id: those carry '%' only as '%' + two hex digits, and 's' is not a hex digit.
        return HashedUserPrefix + HashOfCodeUnits(userId);
    }

    /// <exception cref="ArgumentException">Empty, or longer than a key may be once encoded.</exception>
    public static string Escape(string value, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, paramName);
        var escaped = EscapeUnchecked(value);
        return escaped.Length <= MaxKeyChars
            ? escaped
            : throw new ArgumentException($"{paramName} is too long for a table key ({escaped.Length} > {MaxKeyChars} characters).", paramName);
    }

    private static string EscapeUnchecked(string value)
    {
        if (!value.Any(NeedsEscape))
        {
            return value;
        }

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

        return builder.ToString();
    }

    /// <summary>No unpaired surrogate: the id survives the UTF-8 of the storage requests unchanged.</summary>
    private static bool IsWellFormedUtf16(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Hashes the UTF-16 code units themselves: an encoding would replace unpaired surrogates, merging ids.</summary>
    private static string HashOfCodeUnits(string value)
    {
        var bytes = new byte[value.Length * sizeof(char)];
        for (var i = 0; i < value.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * sizeof(char)), value[i]);
        }

        return Sha256Hex.Of(bytes);
    }

    private static bool NeedsEscape(char c) =>
        c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c);
}
