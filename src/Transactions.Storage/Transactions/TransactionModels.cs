using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Azure;
using Gateway.Client.Transactions;

namespace Transactions.Storage;

/// <summary>
/// The persisted transaction: what was requested, the tracker's opaque state and when it wants to wake up.
/// <see cref="UserId"/> and <see cref="CreatedAt"/> never change after insert (they key the user index row).
/// </summary>
public sealed record TransactionRecord
{
    public required string TransactionId { get; init; }

    public required string UserId { get; init; }

    public required string NotesRef { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpireAt { get; init; }

    /// <summary>The securities as requested (the user may change them in the SDK; orders are the truth).</summary>
    public required IReadOnlyList<SecurityOrder> Securities { get; init; }

    /// <summary>The tracker's phase/status, as a string so it can be filtered on.</summary>
    public required string Status { get; init; }

    /// <summary>The tracker's state as JSON, stored and returned verbatim; at most 32,768 characters.</summary>
    public required string StateJson { get; init; }

    /// <summary>When the tracker next reads the Gateway for this transaction (as of the last saved change); null once it is final.</summary>
    public DateTimeOffset? NextWakeAt { get; init; }

    /// <summary>Owned by the tracker: must increase with every write (the user index ignores older versions).</summary>
    public required long Version { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The Idempotency-Key the transaction was created with, so its record is deleted with it.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the create request: the transaction's trace, which its webhooks, reads and outcome events join.</summary>
    public string? TraceParent { get; init; }
}

/// <summary>A transaction as read (or as last written), with its ETag, to pass to <see cref="TransactionStore.ReplaceAsync"/>.</summary>
public sealed record StoredTransaction(TransactionRecord Record, ETag ETag);

/// <summary>One row of "my transactions", read from the user index without touching the transaction row.</summary>
public sealed record TransactionSummary(
    string TransactionId,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset ExpireAt);

/// <summary>A page of a user's transactions, newest first; <see cref="Next"/> is null on the last page.</summary>
public sealed record TransactionPage(IReadOnlyList<TransactionSummary> Items, TransactionCursor? Next);

/// <summary>
/// Opaque position in a user's transaction list: the index row key of the last item returned, base64url-encoded.
/// Pass <see cref="ToString"/> to clients and <see cref="TryParse"/> what they send back (false means HTTP 400).
/// </summary>
public sealed record TransactionCursor
{
    private TransactionCursor(string rowKey) => RowKey = rowKey;

    internal string RowKey { get; }

    internal static TransactionCursor After(string rowKey) => new(rowKey);

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out TransactionCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text) || text.Length > 1024)
        {
            return false;
        }

        var bytes = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        if (Base64Url.DecodeFromChars(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        string rowKey;
        try
        {
            rowKey = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        if (!UserIndexKeys.IsWellFormedRowKey(rowKey))
        {
            return false;
        }

        cursor = new TransactionCursor(rowKey);
        return true;
    }

    public override string ToString() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(RowKey));
}
