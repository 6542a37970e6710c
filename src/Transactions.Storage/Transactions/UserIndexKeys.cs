using System.Globalization;

namespace Transactions.Storage;

/// <summary>
/// Keys of the <c>UserTransactions</c> index: PK = user id, RK = inverted creation ticks (19 digits) + "_" +
/// transaction id, so a partition scan returns the newest transaction first.
/// </summary>
internal static class UserIndexKeys
{
    private const int TicksDigits = 19;

    public static string RowKey(DateTimeOffset createdAt, string escapedTransactionId) =>
        (DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "_" +
        escapedTransactionId;

    public static bool IsWellFormedRowKey(string rowKey) =>
        rowKey.Length > TicksDigits + 1 &&
        rowKey.Length <= TableKeys.MaxKeyChars &&
        !rowKey.AsSpan(0, TicksDigits).ContainsAnyExceptInRange('0', '9') &&
        rowKey[TicksDigits] == '_' &&
        !rowKey.AsSpan(TicksDigits + 1).ContainsAny("/\\#?") &&
        !rowKey.Any(char.IsControl);
}
