using Gateway.Client.Orders;
using Gateway.Client.Transactions;

namespace Transactions.Tracking;

/// <summary>
/// The order in which statuses may replace each other when snapshots are merged.
/// Non-final statuses move forward (PLACED, ACKED, PARTIAL, then anything unknown); a final status beats every
/// non-final one; <c>ERROR</c> is the only final status that another (non-ERROR) final status may still replace.
/// </summary>
internal static class StatusPrecedence
{
    private const int Unknown = 4;
    public const int ErrorRank = 5;

    /// <summary>Final statuses other than ERROR: frozen once reached.</summary>
    public const int FinalRank = 6;

    public static int Rank(StockOrderStatus status)
    {
        if (status == StockOrderStatus.Error)
        {
            return ErrorRank;
        }

        if (status.IsFinal)
        {
            return FinalRank;
        }

        return status == StockOrderStatus.Placed ? 1
            : status == StockOrderStatus.Acked ? 2
            : status == StockOrderStatus.Partial ? 3
            : Unknown;
    }

    public static int Rank(BatchStatus status)
    {
        if (status == BatchStatus.Error)
        {
            return ErrorRank;
        }

        if (status.IsFinal)
        {
            return FinalRank;
        }

        return status == BatchStatus.Placed ? 1
            : status == BatchStatus.Acked ? 2
            : status == BatchStatus.PartiallyPlaced ? 3
            : Unknown;
    }

    /// <summary>
    /// Whether an incoming status takes over from a stored one: never over a non-ERROR final status, over ERROR
    /// only with a non-ERROR final status (the correction), and over a non-final status when it ranks higher.
    /// Unknown non-final statuses rank equally among themselves and are ordered by their text, so the result
    /// does not depend on arrival order. Returns 0 when the two rank the same.
    /// </summary>
    public static int Compare(int incomingRank, string? incomingText, int storedRank, string? storedText)
    {
        if (storedRank == FinalRank)
        {
            return -1;
        }

        if (storedRank == ErrorRank)
        {
            return incomingRank == FinalRank ? 1 : -1;
        }

        if (incomingRank != storedRank)
        {
            return incomingRank.CompareTo(storedRank);
        }

        return incomingRank == Unknown ? string.CompareOrdinal(incomingText, storedText) : 0;
    }

    /// <summary>PROCESSING, ACTION_REQUIRED and unknown transaction statuses: in progress, never expired.</summary>
    public const int InProgressTransactionRank = 2;

    /// <summary>COMPLETED and ERRORED: the first one seen is kept.</summary>
    public const int TerminalTransactionRank = 3;

    /// <summary>Transaction status progress; an unknown status counts as in progress. -1 when there is none.</summary>
    public static int Rank(TransactionStatus? status)
    {
        if (status is not { } value || string.IsNullOrEmpty(value.Value))
        {
            return -1;
        }

        if (value == TransactionStatus.Initialized)
        {
            return 0;
        }

        if (value == TransactionStatus.Used)
        {
            return 1;
        }

        return value.IsTerminal ? TerminalTransactionRank : InProgressTransactionRank;
    }
}
