using System.Globalization;
using Transactions.Storage;

namespace FunctionApp.Hosting;

/// <summary>
/// How long an HTTP function may take before it gives up and answers 503 with Retry-After: <c>Requests__Deadline</c>
/// for the app-facing API, <c>Requests__WebhookDeadline</c> for the Gateway's webhooks (shorter: the Gateway retries,
/// and an acknowledgement is one storage write).
/// </summary>
public sealed record RequestDeadlines(TimeSpan Api, TimeSpan Webhook)
{
    public const string Section = "Requests";

    public static readonly TimeSpan DefaultApi = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultWebhook = TimeSpan.FromSeconds(5);

    /// <exception cref="InvalidOperationException">A deadline is not a positive time span.</exception>
    public static RequestDeadlines FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new RequestDeadlines(
            Read(configuration, "Deadline", DefaultApi),
            Read(configuration, "WebhookDeadline", DefaultWebhook));
    }

    /// <summary>The deadline of <paramref name="function"/>'s requests.</summary>
    public TimeSpan For(HttpFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function.Name == FunctionCatalog.WebhookFunctionName ? Webhook : Api;
    }

    private static TimeSpan Read(IConfiguration configuration, string key, TimeSpan defaultValue)
    {
        var text = configuration[$"{Section}:{key}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero && value <= TimeSpan.FromHours(1)
            ? value
            : throw new InvalidOperationException($"{Section}__{key} must be a time span (hh:mm:ss) greater than zero and at most an hour.");
    }
}

/// <summary>A request ran past its deadline (the client is still waiting): answered 503 with Retry-After.</summary>
public sealed class RequestDeadlineExceededException(TimeSpan deadline, Exception innerException)
    : TimeoutException($"The request did not finish within its deadline of {deadline.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.", innerException);

/// <summary>
/// Gives every HTTP function's request a deadline, once for all of them: the request's cancellation token (what the
/// handlers receive and pass to storage and the Gateway) is cancelled when the client goes away or the deadline
/// passes. A failure that the deadline caused becomes <see cref="RequestDeadlineExceededException"/>, which
/// <see cref="DependencyFailureHandler"/> answers with 503 and Retry-After; a storage endpoint that accepts
/// connections but never answers would otherwise hold the request for minutes (the storage clients' retries).
/// Queue and timer invocations from the Functions host have no deadline here.
/// </summary>
public sealed partial class RequestDeadlineMiddleware(RequestDelegate next, RequestDeadlines deadlines, TimeProvider clock, ILogger<RequestDeadlineMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetEndpoint()?.Metadata.GetMetadata<HttpFunction>() is not { } function)
        {
            await next(context);
            return;
        }

        var limit = deadlines.For(function);
        var clientGone = context.RequestAborted;
        using var deadline = new CancellationTokenSource(limit, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(clientGone, deadline.Token);
        context.RequestAborted = linked.Token;
        try
        {
            await next(context);
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !clientGone.IsCancellationRequested && CausedByCancellation(ex))
        {
            LogDeadlineExceeded(logger, function.Name, limit);
            throw new RequestDeadlineExceededException(limit, ex);
        }
        finally
        {
            // The exception handler outside must see the client's own token: a cancelled one means "client gone" (499).
            context.RequestAborted = clientGone;
        }
    }

    /// <summary>The shapes a cancelled storage or Gateway call takes (directly, or after the SDK's retries).</summary>
    private static bool CausedByCancellation(Exception exception) =>
        exception is OperationCanceledException || StorageFailures.IsTransient(exception);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Request to {FunctionName} passed its deadline of {Deadline}; answering 503")]
    private static partial void LogDeadlineExceeded(ILogger logger, string functionName, TimeSpan deadline);
}
