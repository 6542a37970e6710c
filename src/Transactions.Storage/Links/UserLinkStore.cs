using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Transactions.Storage;

/// <summary>A platform user's broker account link: the <c>smallcaseAuthId</c> for connected sessions.</summary>
public sealed record UserLink(string UserId, string SmallcaseAuthId, string? Broker, DateTimeOffset LinkedAt);

public enum LinkOutcome
{
    /// <summary>The user is now linked to the auth id (new link, relink, or a repaired half-done link).</summary>
    Linked,

    /// <summary>The user was already linked to this auth id; the broker is refreshed.</summary>
    AlreadyLinked,

    /// <summary>The auth id belongs to another user; nothing changed.</summary>
    LinkedToAnotherUser,
}

/// <summary>
/// Table <c>UserLinks</c>: forward rows (PK = "user_" + user id, RK = "link") say which auth id a user uses now;
/// reverse rows (PK = "auth_" + auth id, RK = "owner") say which user owns an auth id, so that one auth id is never
/// linked to two users.
/// </summary>
/// <remarks>
/// The reverse row is the source of truth for ownership. <see cref="LinkAsync"/> claims it first with an atomic
/// insert, then points the forward row at it, then releases the user's previous claim. A crash after the claim but
/// before the forward write leaves the forward row on the old auth id, which is still claimed, so the pair stays
/// consistent; retrying the link completes it (the claim is found to be the user's own). A crash before the old claim
/// is released leaves that auth id reserved to the same user, which is the safe side: it can never go to another user.
/// </remarks>
public sealed class UserLinkStore(StorageClients clients, TimeProvider time, ILogger<UserLinkStore> logger)
{
    private const string ForwardRowKey = "link";
    private const string ReverseRowKey = "owner";

    private readonly TableClient _table = clients.Table(TableNames.UserLinks);

    public async Task<LinkOutcome> LinkAsync(
        string userId, string smallcaseAuthId, string? broker, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(smallcaseAuthId);
        var now = time.GetUtcNow();

        var claim = await ClaimAsync(userId, smallcaseAuthId, now, cancellationToken).ConfigureAwait(false);
        if (claim == ClaimResult.OwnedByAnotherUser)
        {
            return LinkOutcome.LinkedToAnotherUser;
        }

        var previous = await GetByUserAsync(userId, cancellationToken).ConfigureAwait(false);
        var alreadyLinked = previous?.SmallcaseAuthId == smallcaseAuthId;
        if (alreadyLinked && previous!.Broker == broker)
        {
            return LinkOutcome.AlreadyLinked;
        }

        var forward = new TableEntity(ForwardKey(userId), ForwardRowKey)
        {
            ["UserId"] = userId,
            ["SmallcaseAuthId"] = smallcaseAuthId,
            ["LinkedAt"] = alreadyLinked ? previous!.LinkedAt : now,
        };
        if (broker is not null)
        {
            forward["Broker"] = broker;
        }

        await _table.UpsertEntityAsync(forward, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);

        if (previous is not null && !alreadyLinked)
        {
            await ReleaseClaimAsync(userId, previous.SmallcaseAuthId, cancellationToken).ConfigureAwait(false);
        }

        return alreadyLinked ? LinkOutcome.AlreadyLinked : LinkOutcome.Linked;
    }

    /// <returns>The user's current link, or null when the user has never linked a broker account.</returns>
    public async Task<UserLink?> GetByUserAsync(string userId, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(
            ForwardKey(userId), ForwardRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue)
        {
            return null;
        }

        var row = response.Value!;
        return new UserLink(
            row.GetString("UserId"), row.GetString("SmallcaseAuthId"), row.GetString("Broker"),
            row.GetDateTimeOffset("LinkedAt")!.Value);
    }

    /// <returns>The user that owns <paramref name="smallcaseAuthId"/>, or null when nobody does.</returns>
    public async Task<string?> GetOwnerAsync(string smallcaseAuthId, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(
            ReverseKey(smallcaseAuthId), ReverseRowKey, ["UserId"], cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value!.GetString("UserId") : null;
    }

    private async Task<ClaimResult> ClaimAsync(
        string userId, string smallcaseAuthId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reverse = new TableEntity(ReverseKey(smallcaseAuthId), ReverseRowKey)
        {
            ["UserId"] = userId,
            ["SmallcaseAuthId"] = smallcaseAuthId,
            ["ClaimedAt"] = now,
        };
        while (true)
        {
            try
            {
                await _table.AddEntityAsync(reverse, cancellationToken).ConfigureAwait(false);
                return ClaimResult.Claimed;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                var owner = await GetOwnerAsync(smallcaseAuthId, cancellationToken).ConfigureAwait(false);
                if (owner is not null)
                {
                    return owner == userId ? ClaimResult.OwnClaim : ClaimResult.OwnedByAnotherUser;
                }

                // The claim was released between our insert and read: try to claim it again.
            }
        }
    }

    private async Task ReleaseClaimAsync(string userId, string smallcaseAuthId, CancellationToken cancellationToken)
    {
        try
        {
            var partitionKey = ReverseKey(smallcaseAuthId);
            var claim = await _table.GetEntityIfExistsAsync<TableEntity>(
                partitionKey, ReverseRowKey, ["UserId"], cancellationToken).ConfigureAwait(false);
            if (claim.HasValue && claim.Value!.GetString("UserId") == userId)
            {
                await _table.DeleteEntityAsync(partitionKey, ReverseRowKey, claim.Value.ETag, cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        catch (RequestFailedException e)
        {
            // The link itself is done; a claim left behind only keeps that auth id reserved to this user.
            StorageLog.LinkClaimNotReleased(logger, e);
        }
    }

    private static string ForwardKey(string userId) => "user_" + TableKeys.User(userId);

    private static string ReverseKey(string smallcaseAuthId) => "auth_" + TableKeys.Escape(smallcaseAuthId, nameof(smallcaseAuthId));

    private enum ClaimResult
    {
        Claimed,
        OwnClaim,
        OwnedByAnotherUser,
    }
}
