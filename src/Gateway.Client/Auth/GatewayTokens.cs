using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Client.Auth;

public enum TokenFailure
{
    None,
    Malformed,
    WrongAlgorithm,
    BadSignature,
    Expired,
    NotYetValid,
    MissingIdentity,
}

/// <summary>What a verified Gateway token says: a guest, or a connected user's smallcaseAuthId.</summary>
public sealed record GatewayTokenClaims(bool Guest, string? SmallcaseAuthId);

public sealed record TokenVerification(GatewayTokenClaims? Claims, TokenFailure Failure)
{
    public bool IsValid => Failure == TokenFailure.None;

    internal static TokenVerification Fail(TokenFailure failure) => new(null, failure);
}

/// <summary>
/// Mints and verifies the Gateway's HS256 auth tokens, keyed with the UTF-8 bytes of the Secret.
/// Guest tokens carry <c>{"guest": true}</c>, connected tokens <c>{"smallcaseAuthId": "..."}</c>.
/// </summary>
public sealed class GatewayTokens
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(1);

    private const string GuestClaim = "guest";
    private const string AuthIdClaim = "smallcaseAuthId";

    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SymmetricSecurityKey key;
    private readonly TimeProvider clock;

    public GatewayTokens(string secret, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(clock);
        key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)) { CryptoProviderFactory = AnyLengthHs256Provider.Factory };
        this.clock = clock;
    }

    public string MintGuest(TimeSpan? lifetime = null) =>
        Mint(new Dictionary<string, object> { [GuestClaim] = true }, lifetime);

    public string MintConnected(string smallcaseAuthId, TimeSpan? lifetime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(smallcaseAuthId);
        return Mint(new Dictionary<string, object> { [AuthIdClaim] = smallcaseAuthId }, lifetime);
    }

    /// <summary>
    /// Verifies signature (HS256 only; <c>none</c> and every other algorithm are rejected), expiry when present,
    /// and that the token names a guest or a smallcaseAuthId.
    /// </summary>
    public async Task<TokenVerification> VerifyAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || !handler.CanReadToken(token))
        {
            return TokenVerification.Fail(TokenFailure.Malformed);
        }

        JsonWebToken parsed;
        try
        {
            parsed = handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return TokenVerification.Fail(TokenFailure.Malformed);
        }

        if (!string.Equals(parsed.Alg, SecurityAlgorithms.HmacSha256, StringComparison.Ordinal))
        {
            return TokenVerification.Fail(TokenFailure.WrongAlgorithm);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (parsed.TryGetPayloadValue<long>("exp", out _) && parsed.ValidTo <= now)
        {
            return TokenVerification.Fail(TokenFailure.Expired);
        }

        if (parsed.TryGetPayloadValue<long>("nbf", out _) && parsed.ValidFrom > now)
        {
            return TokenVerification.Fail(TokenFailure.NotYetValid);
        }

        var result = await handler.ValidateTokenAsync(parsed, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            // Lifetime is checked above against the injected clock.
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
        }).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return TokenVerification.Fail(TokenFailure.BadSignature);
        }

        var guest = parsed.TryGetPayloadValue<bool>(GuestClaim, out var isGuest) && isGuest;
        parsed.TryGetPayloadValue<string>(AuthIdClaim, out var authId);
        if (!guest && string.IsNullOrEmpty(authId))
        {
            return TokenVerification.Fail(TokenFailure.MissingIdentity);
        }

        return new TokenVerification(new GatewayTokenClaims(guest, string.IsNullOrEmpty(authId) ? null : authId), TokenFailure.None);
    }

    private string Mint(Dictionary<string, object> claims, TimeSpan? lifetime)
    {
        var now = clock.GetUtcNow();
        claims["iat"] = now.ToUnixTimeSeconds();
        claims["exp"] = now.Add(lifetime ?? DefaultLifetime).ToUnixTimeSeconds();
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
