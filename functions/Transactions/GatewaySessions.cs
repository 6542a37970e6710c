using Gateway.Client.Auth;
using Transactions.Storage;

namespace FunctionApp.Transactions;

/// <summary>A Gateway auth token for one of the platform's users: connected when the user has linked a broker account.</summary>
public sealed record GatewaySession(string GatewayToken, bool Connected, string? Broker, DateTimeOffset ExpiresAt);

/// <summary>Mints the token the app initialises the Gateway SDK with.</summary>
public sealed class GatewaySessions(UserLinkStore links, IGatewaySecretSource secrets, TimeProvider clock)
{
    /// <summary>Long enough for one SDK session; the app asks again for the next one.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public async Task<GatewaySession> ForUserAsync(string userId, CancellationToken cancellationToken)
    {
        var link = await links.GetByUserAsync(userId, cancellationToken);
        var tokens = new GatewayTokens((await secrets.GetAsync(cancellationToken)).Secret, clock);
        var expiresAt = clock.GetUtcNow().Add(Lifetime);
        return link is null
            ? new GatewaySession(tokens.MintGuest(Lifetime), Connected: false, Broker: null, expiresAt)
            : new GatewaySession(tokens.MintConnected(link.SmallcaseAuthId, Lifetime), Connected: true, link.Broker, expiresAt);
    }
}
