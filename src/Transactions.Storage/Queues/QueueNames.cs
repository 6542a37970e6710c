namespace Transactions.Storage;

/// <summary>
/// The app's queues, before the optional <see cref="StorageOptions.NamePrefix"/>. The Functions host moves a
/// message that keeps failing to <c>&lt;queue&gt;-poison</c>; those queues are created up front too.
/// </summary>
public static class QueueNames
{
    public const string TransactionOutcomes = "transaction-outcomes";

    public const string PoisonSuffix = "-poison";
    public const string TransactionOutcomesPoison = TransactionOutcomes + PoisonSuffix;

    public static IReadOnlyList<string> All { get; } =
    [
        TransactionOutcomes, TransactionOutcomesPoison,
    ];
}
