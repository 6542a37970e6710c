using Gateway.Client.Auth;
using Gateway.Client.Http;
using Gateway.Client.Sdk;
using Microsoft.Extensions.Options;
using Transactions.Storage;

namespace FunctionApp.Transactions;

/// <summary>A Gateway auth token for one of the platform's users: connected when the user has linked a broker account.</summary>
public sealed record GatewaySession(string GatewayToken, bool Connected, string? Broker, DateTimeOffset ExpiresAt);

/// <summary>
/// What the app initialises the Gateway SDK with besides the token: the gateway name, the environment, the SDK's test
/// mode, the brokers offered (empty: every broker) and whether after-market orders are allowed.
/// </summary>
public sealed record SdkSetup(string Gateway, string Environment, bool TestMode, IReadOnlyList<string> Brokers, bool AllowAmo);

/// <summary>Mints the token the app initialises the Gateway SDK with, and says what else to initialise it with.</summary>
public sealed class GatewaySessions(UserLinkStore links, IGatewaySecretSource secrets, TimeProvider clock, IOptions<GatewayOptions> gateway, IOptions<SdkOptions> sdk)
{
    public SdkSetup Sdk { get; } = new(
        gateway.Value.GatewayName,
        sdk.Value.Environment.ToString().ToLowerInvariant(),
        sdk.Value.TestMode,
        [.. sdk.Value.Brokers],
        sdk.Value.AllowAmo);

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
