using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace FunctionApp.Auth;

/// <summary>Which check a refused user credential failed: logged, never sent to the caller.</summary>
public enum UserTokenFailure
{
    Expired,
    NotYetValid,
    Lifetime,
    Signature,
    Issuer,
    Audience,
    Algorithm,
    Malformed,
    MalformedPrincipal,

    /// <summary>A valid credential whose user id is empty, blank or too long to key the app's data.</summary>
    UnusableUserId,
    Other,
}

/// <summary>
/// A refused user credential gets a 401 that says only that the token is invalid: <c>WWW-Authenticate: Bearer
/// error="invalid_token"</c> without a description, and a generic Problem Details body. Which check failed goes to the
/// log (event 2001), without the token.
/// </summary>
public static partial class UserTokenRejections
{
    public const string Title = "Invalid token.";
    public const string Detail = "The token sent with the request is invalid.";

    private static readonly object RejectedKey = new();

    /// <summary>
    /// The events of a JWT bearer scheme (with <c>IncludeErrorDetails</c> off): on a challenge after a failed validation,
    /// answer <c>error="invalid_token"</c> without a description, log why and mark the request.
    /// </summary>
    public static JwtBearerEvents JwtEvents(string scheme) => new()
    {
        OnChallenge = context =>
        {
            if (context.AuthenticateFailure is { } failure)
            {
                // IncludeErrorDetails is off, so the handler sets no error at all: name the RFC 6750 code alone.
                context.Error = "invalid_token";
                context.ErrorDescription = null;
                context.ErrorUri = null;
                Reject(context.HttpContext, scheme, Classify(failure), FailureName(failure));
            }

            return Task.CompletedTask;
        },
    };

    /// <summary>Logs why the request's credential was refused and marks the request, so its 401 body stays generic.</summary>
    public static void Reject(HttpContext context, string scheme, UserTokenFailure reason, string failure)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[RejectedKey] = true;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UserTokenRejections).FullName!);
        Log.UserCredentialRejected(logger, scheme, reason, failure);
    }

    /// <summary>The Problem Details of a 401 for a refused credential: the generic title and detail, whatever wrote it.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ProblemDetails.Status == StatusCodes.Status401Unauthorized && context.HttpContext.Items.ContainsKey(RejectedKey))
        {
            context.ProblemDetails.Title = Title;
            context.ProblemDetails.Detail = Detail;
        }
    }

    public static UserTokenFailure Classify(Exception failure) => failure switch
    {
        AggregateException { InnerExceptions.Count: > 0 } many => Classify(many.InnerExceptions[0]),
        SecurityTokenExpiredException => UserTokenFailure.Expired,
        SecurityTokenNotYetValidException => UserTokenFailure.NotYetValid,
        SecurityTokenInvalidLifetimeException or SecurityTokenNoExpirationException => UserTokenFailure.Lifetime,
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => UserTokenFailure.Signature,
        SecurityTokenInvalidIssuerException => UserTokenFailure.Issuer,
        SecurityTokenInvalidAudienceException => UserTokenFailure.Audience,
        SecurityTokenInvalidAlgorithmException => UserTokenFailure.Algorithm,
        SecurityTokenMalformedException or ArgumentException => UserTokenFailure.Malformed,
        _ => UserTokenFailure.Other,
    };

    /// <summary>The exception's type name only: its message can quote parts of the token.</summary>
    private static string FailureName(Exception failure) =>
        failure is AggregateException { InnerExceptions.Count: > 0 } many ? FailureName(many.InnerExceptions[0]) : failure.GetType().Name;
}
