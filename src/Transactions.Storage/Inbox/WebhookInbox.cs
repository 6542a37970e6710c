using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Transactions.Storage;

/// <summary>A stored hit. <see cref="Body"/> holds the exact bytes received.</summary>
public sealed record InboxEntry(
    string TransactionId,
    string DedupeKey,
    ReadOnlyMemory<byte> Body,
    DateTimeOffset ReceivedAt)
{
    public string BodyText => Encoding.UTF8.GetString(Body.Span);
}

public enum InboxAddOutcome
{
    Added,

    /// <summary>The same body was stored before for this transaction (a redelivery): nothing written.</summary>
    Duplicate,

    /// <summary>The body is larger than <see cref="WebhookInbox.MaxBodyBytes"/>: rejected before any write.</summary>
    TooLarge,
}

public readonly record struct InboxAddResult(InboxAddOutcome Outcome, string DedupeKey);

/// <summary>
/// Table <c>WebhookInbox</c> (PK = transaction id, RK = <see cref="DedupeKey"/>): verified hits too large to travel
/// in the tracker's queue message, stored once each; the message then names the entry (a claim check).
/// </summary>
/// <remarks>
/// The body is stored as a binary property: a string property holds only 32,768 UTF-16 characters, which a 64 KiB
/// UTF-8 body would not fit, while a binary property holds the exact 64 KiB.
/// </remarks>
public sealed class WebhookInbox(StorageClients clients, TimeProvider time)
{
    public const int MaxBodyBytes = PropertyLimits.MaxBinaryBytes;

    private readonly TableClient _table = clients.Table(TableNames.WebhookInbox);

    /// <summary>
    /// Lower-case hex SHA-256 of the exact raw body bytes. Raw bytes, not re-serialised JSON: a redelivery carries
    /// identical bytes, whereas a parse-and-reserialise would depend on our parser (unknown fields dropped, number
    /// and property formatting) and could make two different hits look alike. Two hits that differ in any byte (a new
    /// timestamp, a status change) are different events; the tracker's monotonic merge makes re-applying one harmless.
    /// </summary>
    public static string DedupeKey(ReadOnlySpan<byte> body) => Sha256Hex.Of(body);

    public async Task<InboxAddResult> TryAddAsync(
        string transactionId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var partitionKey = TableKeys.Escape(transactionId, nameof(transactionId));
        var dedupeKey = DedupeKey(body.Span);
        if (body.Length > MaxBodyBytes)
        {
            return new InboxAddResult(InboxAddOutcome.TooLarge, dedupeKey);
        }

        var entity = new TableEntity(partitionKey, dedupeKey)
        {
            ["TransactionId"] = transactionId,
            ["Body"] = body.ToArray(),
            ["ReceivedAt"] = time.GetUtcNow(),
        };
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return new InboxAddResult(InboxAddOutcome.Added, dedupeKey);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return new InboxAddResult(InboxAddOutcome.Duplicate, dedupeKey);
        }
    }

    /// <returns>Null when there is no such entry.</returns>
    public async Task<InboxEntry?> GetAsync(string transactionId, string dedupeKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(dedupeKey);
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.Escape(transactionId, nameof(transactionId)), TableKeys.Escape(dedupeKey, nameof(dedupeKey)), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!response.HasValue)
        {
            return null;
        }

        var row = response.Value!;
        return new InboxEntry(row.GetString("TransactionId"), row.RowKey, row.GetBinary("Body"), row.GetDateTimeOffset("ReceivedAt")!.Value);
    }
}
