using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FunctionApp.Auth;

/// <summary>The development issuer: user tokens for local runs and tests, signed with a shared key.</summary>
public static class DevelopmentUserTokens
{
    public const string Issuer = "https://dev-issuer.local/";
    public const string Audience = "smallcase-gateway-functions";

    public static SymmetricSecurityKey SigningKey(string key) => new(SHA256Key(key));

    public static string Mint(string signingKey, string userId, TimeProvider clock, TimeSpan? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.Add(lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(SigningKey(signingKey), SecurityAlgorithms.HmacSha256),
        });
    }

    // Any configured string becomes a 256-bit key, so a short development key still signs.
    private static byte[] SHA256Key(string key) => System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
