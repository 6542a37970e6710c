namespace Transactions.Storage;

/// <summary>
/// The app's tables, before the optional <see cref="StorageOptions.NamePrefix"/>. The outbox lives in
/// <see cref="Transactions"/>, in each transaction's partition.
/// </summary>
public static class TableNames
{
    public const string Transactions = "Transactions";
    public const string UserTransactions = "UserTransactions";
    public const string NotesRefs = "NotesRefs";
    public const string UserLinks = "UserLinks";
    public const string IdempotencyRecords = "IdempotencyRecords";
    public const string OutcomeLog = "OutcomeLog";

    public static IReadOnlyList<string> All { get; } =
        [Transactions, UserTransactions, NotesRefs, UserLinks, IdempotencyRecords, OutcomeLog];
}
