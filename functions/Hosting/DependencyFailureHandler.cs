using Microsoft.AspNetCore.Diagnostics;
using Transactions.Storage;

namespace FunctionApp.Hosting;

/// <summary>
/// Storage or Key Vault unreachable, or not answering within the request's deadline (<see cref="RequestDeadlineMiddleware"/>):
/// answer 503 with Retry-After, so callers (the Gateway, the apps) retry. Nothing was acknowledged, so nothing is lost.
/// </summary>
public sealed partial class DependencyFailureHandler(IProblemDetailsService problems, ILogger<DependencyFailureHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        // An RpcException comes from the tracking runtime's client: its task hub is in the same storage.
        if (!StorageFailures.IsTransient(exception, callerGaveUp: httpContext.RequestAborted.IsCancellationRequested)
            && exception is not GatewaySecretsUnavailableException and not Grpc.Core.RpcException)
        {
            return false;
        }

        LogDependencyUnavailable(logger, httpContext.Request.Path, exception.GetType().Name);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Temporarily unavailable; retry later.",
                Detail = "A storage or secret dependency could not be reached. Nothing was stored.",
            },
        });
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Error, Message = "Request {Path} failed: dependency unavailable ({ExceptionType})")]
    private static partial void LogDependencyUnavailable(ILogger logger, PathString path, string exceptionType);
}
