using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Tokens;

namespace FunctionApp.Auth;

public static class UserAuthentication
{
    public const string Policy = "PlatformUser";

    /// <summary>
    /// Longest user id accepted. Any id up to this keys the tables (<c>TableKeys.User</c>); longer ones, and empty or
    /// whitespace-only ones, are refused at authentication (401).
    /// </summary>
    public const int MaxUserIdLength = 1024;

    private const string DevelopmentScheme = "DevelopmentIssuer";
    private const string SuppressAutoDefaultSchemeSwitch = "Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme";

    public static IServiceCollection AddUserAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(UserAuthOptions.Section).Get<UserAuthOptions>() ?? new UserAuthOptions();
        if (!options.IsConfigured)
        {
            throw new InvalidOperationException(
                $"No user authentication is configured: set {UserAuthOptions.Section}:Authority (and Audience), " +
                $"{UserAuthOptions.Section}:AcceptAppServiceAuthentication, or {UserAuthOptions.Section}:DevelopmentSigningKey for local runs.");
        }

        services.AddSingleton(options);
        var schemes = new List<string>();
        // Only the endpoints that require a user authenticate, with the policy's schemes. Without this switch a single
        // registered scheme becomes the default and every anonymous request (webhooks, health) runs the JWT handler too.
        AppContext.SetSwitch(SuppressAutoDefaultSchemeSwitch, true);
        var authentication = services.AddAuthentication();
        WithoutKeyRingLoadAtStart(services);
        if (!string.IsNullOrWhiteSpace(options.Authority))
        {
            schemes.Add(JwtBearerDefaults.AuthenticationScheme);
            authentication.AddJwtBearer(jwt =>
            {
                jwt.Authority = options.Authority;
                jwt.Audience = options.Audience;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters.ValidAudience = options.Audience;
                jwt.TokenValidationParameters.ValidateAudience = !string.IsNullOrWhiteSpace(options.Audience);
                jwt.IncludeErrorDetails = false;
                jwt.Events = RejectingUnusableUserIds(options, UserTokenRejections.JwtEvents(JwtBearerDefaults.AuthenticationScheme));
            });
        }

        if (!string.IsNullOrWhiteSpace(options.DevelopmentSigningKey))
        {
            schemes.Add(DevelopmentScheme);
            authentication.AddJwtBearer(DevelopmentScheme, jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = DevelopmentUserTokens.Issuer,
                    ValidAudience = DevelopmentUserTokens.Audience,
                    IssuerSigningKey = DevelopmentUserTokens.SigningKey(options.DevelopmentSigningKey),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                };
                jwt.IncludeErrorDetails = false;
                jwt.Events = RejectingUnusableUserIds(options, UserTokenRejections.JwtEvents(DevelopmentScheme));
            });
        }

        if (options.AcceptAppServiceAuthentication)
        {
            schemes.Add(AppServicePrincipalHandler.SchemeName);
            authentication.AddScheme<AuthenticationSchemeOptions, AppServicePrincipalHandler>(AppServicePrincipalHandler.SchemeName, null);
        }

        // A 401 for a refused credential says only "invalid token"; the failed check is logged (UserTokenRejections).
        services.PostConfigure<ProblemDetailsOptions>(problems =>
        {
            var previous = problems.CustomizeProblemDetails;
            problems.CustomizeProblemDetails = context =>
            {
                previous?.Invoke(context);
                UserTokenRejections.Customize(context);
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes([.. schemes])
            .RequireAuthenticatedUser()
            .RequireClaim(options.UserIdClaim));
        return services;
    }

    /// <summary>
    /// <c>AddAuthentication</c> also registers ASP.NET Core data protection, whose hosted service loads (or creates) the
    /// key ring on every start, before the app listens. Bearer tokens are not protected with it and nothing else in the
    /// app uses it, so that start-up work is dropped; the key ring would still load on first use if something needed it.
    /// </summary>
    private static void WithoutKeyRingLoadAtStart(IServiceCollection services)
    {
        var dataProtectionAssembly = typeof(DataProtectionOptions).Assembly;
        var keyRingLoaders = services
            .Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Assembly == dataProtectionAssembly)
            .ToList();
        foreach (var descriptor in keyRingLoaders)
        {
            services.Remove(descriptor);
        }
    }

    /// <summary>
    /// Why the principal's user id cannot be used, or null when it can (or when it has none: the policy's claim
    /// requirement answers that with 403). Every scheme applies this, so an authenticated user always has a usable id.
    /// </summary>
    public static string? UnusableUserId(ClaimsPrincipal? principal, UserAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return principal?.FindFirstValue(options.UserIdClaim) switch
        {
            null => null,
            var id when string.IsNullOrWhiteSpace(id) => "The user id claim is empty.",
            { Length: > MaxUserIdLength } => $"The user id claim is longer than {MaxUserIdLength} characters.",
            _ => null,
        };
    }

    /// <summary>The scheme's events, refusing a valid token whose user id cannot key the app's data.</summary>
    private static JwtBearerEvents RejectingUnusableUserIds(UserAuthOptions options, JwtBearerEvents events)
    {
        events.OnTokenValidated = context =>
        {
            if (UnusableUserId(context.Principal, options) is { } reason)
            {
                context.Fail(reason);
            }

            return Task.CompletedTask;
        };
        return events;
    }

    /// <summary>The platform's user id of an authenticated request.</summary>
    public static string UserId(this ClaimsPrincipal user, UserAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(options);
        return user.FindFirstValue(options.UserIdClaim)
            ?? throw new InvalidOperationException("The authorization policy guarantees a user id claim.");
    }
}
