using System.Buffers;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;

namespace Transactions.Storage;

/// <summary>
/// A notes reference: the opaque value sent to smallcase in <c>notes</c> instead of the platform's user id, and
/// what it stands for. <see cref="TransactionId"/> is null until the Gateway has created the transaction.
/// </summary>
public sealed record NotesRefRecord(string NotesRef, string UserId, string? TransactionId, DateTimeOffset CreatedAt);

public enum AttachOutcome
{
    Attached,

    /// <summary>The reference already pointed at this transaction: nothing changed.</summary>
    AlreadyAttached,

    NotFound,

    /// <summary>The reference belongs to a different transaction; nothing changed.</summary>
    AttachedToAnotherTransaction,
}

/// <summary>
/// Table <c>NotesRefs</c> (PK = notes reference, RK = "ref"). Create the reference before calling the Gateway
/// (so a webhook can always be mapped back), then attach the transaction id the Gateway returned.
/// </summary>
public sealed class NotesRefStore(StorageClients clients, TimeProvider time)
{
    public const string Prefix = "ref_";
    private const int RandomChars = 20;
    private const string RowKey = "ref";
    private const string UrlSafeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private const int CollisionAttempts = 3;
    private static readonly SearchValues<char> UrlSafeChars = SearchValues.Create(UrlSafeAlphabet);

    private readonly TableClient _table = clients.Table(TableNames.NotesRefs);

    /// <summary><c>ref_</c> + 20 url-safe characters from a CSPRNG (120 bits).</summary>
    public static string NewReference() => Prefix + RandomNumberGenerator.GetString(UrlSafeAlphabet, RandomChars);

    /// <summary>True for a string shaped like <see cref="NewReference"/>; check webhook notes with it before a lookup.</summary>
    public static bool IsWellFormed(string? notesRef) =>
        notesRef is { Length: 24 } &&
        notesRef.StartsWith(Prefix, StringComparison.Ordinal) &&
        !notesRef.AsSpan(Prefix.Length).ContainsAnyExcept(UrlSafeChars);

    /// <summary>Creates and stores a fresh reference for <paramref name="userId"/>.</summary>
    public async Task<NotesRefRecord> CreateAsync(string userId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var record = new NotesRefRecord(NewReference(), userId, null, time.GetUtcNow());
            var result = await InsertAsync(record, cancellationToken).ConfigureAwait(false);
            if (result.Written)
            {
                return record;
            }

            // A 120-bit collision means the random source is broken, not bad luck: stop after a few.
            if (attempt == CollisionAttempts)
            {
                throw new InvalidOperationException("Could not create a unique notes reference.");
            }
        }
    }

    /// <returns><see cref="WriteOutcome.Written"/>, or <see cref="WriteOutcome.AlreadyExists"/> when the reference is taken.</returns>
    public async Task<WriteResult> InsertAsync(NotesRefRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!IsWellFormed(record.NotesRef))
        {
            throw new ArgumentException("Not a notes reference made by NewReference().", nameof(record));
        }

        ArgumentException.ThrowIfNullOrEmpty(record.UserId, nameof(record));
        var entity = new TableEntity(record.NotesRef, RowKey)
        {
            ["UserId"] = record.UserId,
            ["CreatedAt"] = record.CreatedAt,
        };
        if (record.TransactionId is not null)
        {
            entity["TransactionId"] = record.TransactionId;
        }

        try
        {
            var response = await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return new WriteResult(WriteOutcome.Written, response.Headers.ETag ?? default);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return new WriteResult(WriteOutcome.AlreadyExists);
        }
    }

    /// <summary>Records which transaction the reference was sent with. A reference is attached at most once.</summary>
    public async Task<AttachOutcome> AttachTransactionAsync(
        string notesRef, string transactionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        while (true)
        {
            var current = await ReadAsync(notesRef, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return AttachOutcome.NotFound;
            }

            var attached = current.GetString("TransactionId");
            if (!string.IsNullOrEmpty(attached))
            {
                return attached == transactionId ? AttachOutcome.AlreadyAttached : AttachOutcome.AttachedToAnotherTransaction;
            }

            var update = new TableEntity(notesRef, RowKey) { ["TransactionId"] = transactionId };
            try
            {
                await _table.UpdateEntityAsync(update, current.ETag, TableUpdateMode.Merge, cancellationToken)
                    .ConfigureAwait(false);
                return AttachOutcome.Attached;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                // Changed since we read it: read again and decide on the new state.
            }
        }
    }

    /// <returns>The record, or null when the reference is unknown or malformed.</returns>
    public async Task<NotesRefRecord?> GetAsync(string notesRef, CancellationToken cancellationToken)
    {
        var entity = await ReadAsync(notesRef, cancellationToken).ConfigureAwait(false);
        return entity is null
            ? null
            : new NotesRefRecord(
                notesRef,
                entity.GetString("UserId"),
                entity.GetString("TransactionId") is { Length: > 0 } transactionId ? transactionId : null,
                entity.GetDateTimeOffset("CreatedAt")!.Value);
    }

    private async Task<TableEntity?> ReadAsync(string notesRef, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(notesRef))
        {
            return null;
        }

        var response = await _table.GetEntityIfExistsAsync<TableEntity>(notesRef, RowKey, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }
}
