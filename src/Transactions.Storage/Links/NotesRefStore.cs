using System.Buffers;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;

namespace Transactions.Storage;

/// <summary>
/// A notes reference: the opaque value sent to smallcase in <c>notes</c> instead of the platform's user id, and
/// what it stands for. <see cref="TransactionId"/> is null only on rows written by earlier versions, which stored the
/// reference before calling the Gateway and attached the transaction id afterwards.
/// </summary>
public sealed record NotesRefRecord(string NotesRef, string UserId, string? TransactionId, DateTimeOffset CreatedAt);

public enum NotesRefOutcome
{
    /// <summary>The mapping is stored.</summary>
    Recorded,

    /// <summary>
    /// The reference already mapped to this user and transaction, e.g. an earlier attempt of the same insert was
    /// stored but its response lost: nothing changed.
    /// </summary>
    AlreadyRecorded,

    /// <summary>The reference maps to another user or transaction; nothing changed.</summary>
    TakenByAnother,
}

/// <summary>
/// Table <c>NotesRefs</c> (PK = notes reference, RK = "ref"): which user and transaction each notes reference stands
/// for. A reference is generated locally (<see cref="NewReference"/>), sent with the Gateway create call, and recorded
/// once, with the transaction id the Gateway returned, before the transaction is stored and tracked.
/// </summary>
/// <remarks>
/// Recording after the create call costs one insert. A process that dies between the create call and the insert
/// leaves a Gateway transaction without a mapping; it has no transaction row either, its id never reached the app,
/// so its webhooks are refused as unknown and it expires unused. The app's retry with the same idempotency key
/// creates a new transaction with a new reference.
/// </remarks>
public sealed class NotesRefStore(StorageClients clients, TimeProvider time)
{
    public const string Prefix = "ref_";
    private const int RandomChars = 20;
    private const string RowKey = "ref";
    private const string UrlSafeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static readonly SearchValues<char> UrlSafeChars = SearchValues.Create(UrlSafeAlphabet);

    private readonly TableClient _table = clients.Table(TableNames.NotesRefs);

    /// <summary><c>ref_</c> + 20 url-safe characters from a CSPRNG (120 bits): a collision is not expected in practice.</summary>
    public static string NewReference() => Prefix + RandomNumberGenerator.GetString(UrlSafeAlphabet, RandomChars);

    /// <summary>True for a string shaped like <see cref="NewReference"/>; check webhook notes with it before a lookup.</summary>
    public static bool IsWellFormed(string? notesRef) =>
        notesRef is { Length: 24 } &&
        notesRef.StartsWith(Prefix, StringComparison.Ordinal) &&
        !notesRef.AsSpan(Prefix.Length).ContainsAnyExcept(UrlSafeChars);

    /// <summary>Stores that <paramref name="notesRef"/> stands for <paramref name="userId"/>'s <paramref name="transactionId"/>, with one insert.</summary>
    /// <returns>
    /// <see cref="NotesRefOutcome.TakenByAnother"/> when the reference is already someone else's: with 120 random bits
    /// that means a broken random source, and the caller must not use the transaction the reference was sent with.
    /// </returns>
    public async Task<NotesRefOutcome> RecordAsync(
        string notesRef, string userId, string transactionId, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(notesRef))
        {
            throw new ArgumentException("Not a notes reference made by NewReference().", nameof(notesRef));
        }

        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        var entity = new TableEntity(notesRef, RowKey)
        {
            ["UserId"] = userId,
            ["TransactionId"] = transactionId,
            ["CreatedAt"] = time.GetUtcNow(),
        };
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return NotesRefOutcome.Recorded;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // A retried insert whose first attempt was stored, or a collision: the stored row tells which.
            var existing = await GetAsync(notesRef, cancellationToken).ConfigureAwait(false);
            return existing is not null && existing.UserId == userId && existing.TransactionId == transactionId
                ? NotesRefOutcome.AlreadyRecorded
                : NotesRefOutcome.TakenByAnother;
        }
    }

    /// <summary>Forgets a reference (its transaction is past retention); an unknown one is nothing to do.</summary>
    public async Task DeleteAsync(string notesRef, CancellationToken cancellationToken)
    {
        if (IsWellFormed(notesRef))
        {
            // DeleteEntity reports a missing row as a 404 response rather than an exception.
            await _table.DeleteEntityAsync(notesRef, RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <returns>The record, or null when the reference is unknown or malformed.</returns>
    public async Task<NotesRefRecord?> GetAsync(string notesRef, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(notesRef))
        {
            return null;
        }

        var response = await _table.GetEntityIfExistsAsync<TableEntity>(notesRef, RowKey, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!response.HasValue)
        {
            return null;
        }

        var entity = response.Value!;
        return new NotesRefRecord(
            notesRef,
            entity.GetString("UserId"),
            entity.GetString("TransactionId") is { Length: > 0 } transactionId ? transactionId : null,
            entity.GetDateTimeOffset("CreatedAt")!.Value);
    }
}
