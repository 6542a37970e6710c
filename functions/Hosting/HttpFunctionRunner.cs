using FunctionApp.Api;
using FunctionApp.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Transactions.Storage;

namespace FunctionApp.Hosting;

/// <summary>
/// What every HTTP function does around its handler, whichever host serves it (the Functions host through the ASP.NET
/// Core integration, or the local host): sign in the platform user when the function needs one, give the request a
/// deadline, and answer a dependency failure with 503 and Retry-After so the caller retries and nothing is lost.
/// </summary>
public sealed partial class HttpFunctionRunner(
    RequestDeadlines deadlines,
    UserAuthOptions auth,
    IAuthorizationPolicyProvider policies,
    IPolicyEvaluator evaluator,
    TimeProvider clock,
    ILogger<HttpFunctionRunner> logger)
{
    public const string RetryAfterSeconds = "5";

    /// <summary>Runs an app-facing function for the signed-in platform user (401/403 Problem Details otherwise).</summary>
    public async Task<IResult> ForUserAsync(HttpRequest request, string function, Func<string, CancellationToken, Task<IResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        var context = request.HttpContext;
        var policy = await policies.GetPolicyAsync(UserAuthentication.Policy)
            ?? throw new InvalidOperationException($"The {UserAuthentication.Policy} policy is not registered.");
        var authentication = await evaluator.AuthenticateAsync(policy, context);
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, context, resource: null);
        if (authorization.Challenged)
        {
            return new AuthenticationProblem(policy.AuthenticationSchemes, StatusCodes.Status401Unauthorized);
        }

        if (authorization.Forbidden)
        {
            return new AuthenticationProblem(policy.AuthenticationSchemes, StatusCodes.Status403Forbidden);
        }

        var user = context.User;
        return await RunAsync(request, function, deadlines.Api, ct => handler(user.UserId(auth), ct));
    }

    /// <summary>Runs an anonymous function (webhooks, health) with the given deadline.</summary>
    public async Task<IResult> RunAsync(HttpRequest request, string function, TimeSpan deadline, Func<CancellationToken, Task<IResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        var clientGone = request.HttpContext.RequestAborted;
        using var timeout = new CancellationTokenSource(deadline, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(clientGone, timeout.Token);
        try
        {
            return await handler(linked.Token);
        }
        catch (Exception ex) when (timeout.IsCancellationRequested && !clientGone.IsCancellationRequested && CausedByCancellation(ex))
        {
            // A storage endpoint that accepts connections but never answers would otherwise hold the request for
            // minutes (the storage clients' retries).
            Log.DeadlineExceeded(logger, function, deadline);
            return Unavailable(request);
        }
        catch (Exception ex) when (!clientGone.IsCancellationRequested && IsDependencyFailure(ex))
        {
            Log.DependencyUnavailable(logger, function, ex.GetType().Name);
            return Unavailable(request);
        }
    }

    /// <summary>Storage (the tracking runtime's client included: its task hub is in the same account) or Key Vault unreachable.</summary>
    private static bool IsDependencyFailure(Exception exception) =>
        StorageFailures.IsTransient(exception) || exception is GatewaySecretsUnavailableException or Grpc.Core.RpcException;

    /// <summary>The shapes a cancelled storage or Gateway call takes (directly, or after the SDK's retries).</summary>
    private static bool CausedByCancellation(Exception exception) =>
        exception is OperationCanceledException || StorageFailures.IsTransient(exception);

    private static IResult Unavailable(HttpRequest request)
    {
        request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        return ApiProblems.Unavailable("A storage or secret dependency could not be reached in time. Nothing was stored.");
    }

    /// <summary>
    /// The challenge (or forbid) of the policy's schemes, which sets <c>WWW-Authenticate</c>, then the Problem Details
    /// body (<see cref="UserTokenRejections"/> keeps it generic for a refused token).
    /// </summary>
    private sealed class AuthenticationProblem(IReadOnlyList<string> schemes, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            foreach (var scheme in schemes)
            {
                if (status == StatusCodes.Status401Unauthorized)
                {
                    await httpContext.ChallengeAsync(scheme);
                }
                else
                {
                    await httpContext.ForbidAsync(scheme);
                }
            }

            if (!httpContext.Response.HasStarted)
            {
                httpContext.Response.StatusCode = status;
                var problems = httpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = { Status = status } });
            }
        }
    }
}
