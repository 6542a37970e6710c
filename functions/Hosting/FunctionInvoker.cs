namespace FunctionApp.Hosting;

public sealed record InvocationOutcome(bool Succeeded, string? Error)
{
    public static InvocationOutcome Success { get; } = new(true, null);
}

/// <summary>
/// Runs one invocation of a queue or timer function in its own DI scope, for the Functions host and the standalone
/// runner alike. A handler's exception becomes a failed outcome (so the message is retried), and is logged.
/// </summary>
public sealed partial class FunctionInvoker(IServiceScopeFactory scopes, ILogger<FunctionInvoker> logger)
{
    public Task<InvocationOutcome> InvokeQueueAsync(QueueFunction function, QueueInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        return RunAsync(function.Name, function.Handler, handler => ((IQueueFunctionHandler)handler).HandleAsync(invocation, cancellationToken));
    }

    public Task<InvocationOutcome> InvokeTimerAsync(TimerFunction function, TimerInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        return RunAsync(function.Name, function.Handler, handler => ((ITimerFunctionHandler)handler).HandleAsync(invocation, cancellationToken));
    }

    private async Task<InvocationOutcome> RunAsync(string functionName, Type handlerType, Func<object, Task> run)
    {
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await run(scope.ServiceProvider.GetRequiredService(handlerType));
            return InvocationOutcome.Success;
        }
#pragma warning disable CA1031 // Any handler failure must fail the invocation, never crash the listener.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogInvocationFailed(logger, functionName, ex);
            return new InvocationOutcome(false, $"{functionName} failed: {ex.GetType().Name}");
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Function {FunctionName} failed")]
    private static partial void LogInvocationFailed(ILogger logger, string functionName, Exception exception);
}
