using System.Security.Cryptography;

namespace Transactions.Storage;

internal static class Sha256Hex
{
    /// <summary>Lower-case hex SHA-256: 64 characters, valid as a RowKey.</summary>
    public static string Of(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash);
    }
}
