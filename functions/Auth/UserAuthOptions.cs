namespace FunctionApp.Auth;

/// <summary>How the platform's signed-in users are authenticated on the app-facing endpoints.</summary>
public sealed class UserAuthOptions
{
    public const string Section = "UserAuth";

    /// <summary>The platform's OIDC issuer (its discovery document supplies the signing keys).</summary>
    public string? Authority { get; set; }

    public string? Audience { get; set; }

    /// <summary>The claim holding the platform's user id.</summary>
    public string UserIdClaim { get; set; } = "sub";

    /// <summary>
    /// Trust the <c>X-MS-CLIENT-PRINCIPAL</c> header set by App Service Authentication. Only safe when that feature
    /// is on for the app, because it strips the header from client requests.
    /// </summary>
    public bool AcceptAppServiceAuthentication { get; set; }

    /// <summary>
    /// Enables a development issuer whose tokens are HS256-signed with this key (local runs and tests only).
    /// </summary>
    public string? DevelopmentSigningKey { get; set; }

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(Authority) || AcceptAppServiceAuthentication || !string.IsNullOrWhiteSpace(DevelopmentSigningKey);
}
