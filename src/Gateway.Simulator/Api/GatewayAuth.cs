using System.Security.Cryptography;
using System.Text;
using Gateway.Client.Auth;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator.Api;

/// <summary>Who is calling: the verified token's claims, or why the call is refused.</summary>
public sealed record GatewayCaller(GatewayTokenClaims? Claims, string? Failure)
{
    public static GatewayCaller Refused(string failure) => new(null, failure);
}

/// <summary>
/// The Gateway's authentication rules. API calls need the gateway name in the path, <c>x-gateway-secret</c> equal
/// to the API secret, and <c>x-gateway-authtoken</c> an HS256 JWT signed with the Secret (guest or connected).
/// The SDK routes need only the token, as the app has no API secret.
/// </summary>
public sealed class GatewayAuth(SimulatorOptions options, GatewayTokens tokens)
{
    public const string SecretHeader = "x-gateway-secret";
    public const string TokenHeader = "x-gateway-authtoken";

    private readonly byte[] apiSecret = Encoding.UTF8.GetBytes(options.ApiSecret);

    public async Task<GatewayCaller> AuthenticateApiAsync(HttpRequest request, string gatewayName)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.Equals(gatewayName, options.GatewayName, StringComparison.Ordinal))
        {
            return GatewayCaller.Refused("Invalid gateway.");
        }

        var secret = Encoding.UTF8.GetBytes(request.Headers[SecretHeader].ToString());
        if (!CryptographicOperations.FixedTimeEquals(secret, apiSecret))
        {
            return GatewayCaller.Refused($"Invalid or missing {SecretHeader}.");
        }

        return await AuthenticateTokenAsync(request).ConfigureAwait(false);
    }

    public async Task<GatewayCaller> AuthenticateTokenAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var verification = await tokens.VerifyAsync(request.Headers[TokenHeader].ToString()).ConfigureAwait(false);
        return verification.IsValid
            ? new GatewayCaller(verification.Claims, null)
            : GatewayCaller.Refused($"Invalid {TokenHeader}: {verification.Failure}.");
    }
}
