using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FunctionApp.Auth;

/// <summary>
/// Reads the principal App Service Authentication puts in <c>X-MS-CLIENT-PRINCIPAL</c>
/// (base64 JSON: <c>{auth_typ, name_typ, role_typ, claims: [{typ, val}]}</c>).
/// </summary>
public sealed class AppServicePrincipalHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    UserAuthOptions userAuth) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "AppServiceAuthentication";
    public const string HeaderName = "X-MS-CLIENT-PRINCIPAL";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var header) || string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(header.ToString()));
            var root = document.RootElement;
            var authType = root.TryGetProperty("auth_typ", out var typ) ? typ.GetString() : SchemeName;
            var claims = root.TryGetProperty("claims", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(ReadClaim).ToList()
                : [];
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, authType));
            return Task.FromResult(UserAuthentication.UnusableUserId(principal, userAuth) is { } reason
                ? AuthenticateResult.Fail(reason)
                : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return Task.FromResult(AuthenticateResult.Fail("Malformed App Service principal header."));
        }
    }

    /// <summary>A malformed header is refused like an invalid token: logged with its reason, a generic 401.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is not null)
        {
            var reason = result.Failure.Message.StartsWith("Malformed", StringComparison.Ordinal) ? UserTokenFailure.MalformedPrincipal : UserTokenFailure.UnusableUserId;
            UserTokenRejections.Reject(Context, SchemeName, reason, HeaderName);
        }

        await base.HandleChallengeAsync(properties);
    }

    /// <summary>A claim is <c>{typ, val}</c> with two strings; anything else makes the whole header malformed.</summary>
    private static Claim ReadClaim(JsonElement claim) =>
        claim.GetProperty("typ").GetString() is { Length: > 0 } type && claim.GetProperty("val").GetString() is { } value
            ? new Claim(type, value)
            : throw new InvalidOperationException("A claim without a type or value.");
}
