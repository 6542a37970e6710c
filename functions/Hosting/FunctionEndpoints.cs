using FunctionApp.Auth;

namespace FunctionApp.Hosting;

public static partial class FunctionEndpoints
{
    /// <summary>
    /// Maps every declared function: HTTP functions on their routes (the host forwards the original request), queue
    /// and timer functions as <c>POST /{FunctionName}</c> taking the host's invocation payload.
    /// </summary>
    public static void MapFunctions(this WebApplication app, IEnumerable<FunctionDefinition> functions)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(functions);
        foreach (var function in functions)
        {
            switch (function)
            {
                case HttpFunction http:
                    // The declaration travels with the endpoint: RequestDeadlineMiddleware reads it.
                    var endpoint = app.MapMethods(http.Path, http.Methods, http.Handler).WithName(http.Name).WithMetadata(http);
                    if (http.RequiresUser)
                    {
                        endpoint.RequireAuthorization(UserAuthentication.Policy);
                    }

                    break;
                case QueueFunction queue:
                    app.MapPost($"/{queue.Name}", (HostInvocationRequest request, FunctionInvoker invoker, CancellationToken ct) =>
                        InvokeAsync(() => invoker.InvokeQueueAsync(queue, ToQueueInvocation(queue, request), ct)))
                        .ExcludeFromDescription();
                    break;
                case TimerFunction timer:
                    app.MapPost($"/{timer.Name}", (HostInvocationRequest request, FunctionInvoker invoker, CancellationToken ct) =>
                        InvokeAsync(() => invoker.InvokeTimerAsync(timer, new TimerInvocation(timer.Name, IsPastDue(request)), ct)))
                        .ExcludeFromDescription();
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(functions), function.GetType().Name, "Unknown function kind.");
            }
        }
    }

    private static async Task<IResult> InvokeAsync(Func<Task<InvocationOutcome>> invoke)
    {
        var outcome = await invoke();
        return outcome.Succeeded
            ? Results.Json(HostInvocationResponse.Empty)
            : Results.Json(HostInvocationResponse.Failed(outcome.Error!), statusCode: StatusCodes.Status500InternalServerError);
    }

    private static QueueInvocation ToQueueInvocation(QueueFunction function, HostInvocationRequest request) =>
        new(
            function.Name,
            request.BindingText("message") ?? string.Empty,
            request.MetadataText("Id"),
            long.TryParse(request.MetadataText("DequeueCount"), out var count) ? count : 1);

    private static bool IsPastDue(HostInvocationRequest request) =>
        request.BindingText("timer") is { } timer && timer.Contains("\"IsPastDue\":true", StringComparison.OrdinalIgnoreCase);
}
