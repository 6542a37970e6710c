namespace FunctionApp.Hosting;

/// <summary>
/// One function of the app, declared once. The same declaration produces the function.json the Functions host
/// reads and drives the standalone runner, so the two cannot drift apart.
/// </summary>
public abstract record FunctionDefinition(string Name);

/// <summary>
/// An HTTP-triggered function. The host forwards the original request, so the route is served as is under <c>/api</c>.
/// <see cref="RequiresUser"/> puts it behind the platform-user policy.
/// </summary>
public sealed record HttpFunction(string Name, string Route, IReadOnlyList<string> Methods, Delegate Handler, bool RequiresUser = false)
    : FunctionDefinition(Name)
{
    public const string RoutePrefix = "api";

    public string Path => $"/{RoutePrefix}/{Route}";
}

/// <summary>A queue-triggered function; <see cref="Handler"/> implements <see cref="IQueueFunctionHandler"/>.</summary>
public sealed record QueueFunction(string Name, string QueueName, Type Handler) : FunctionDefinition(Name);

/// <summary>A timer-triggered function with an NCRONTAB schedule (six fields, seconds first, UTC).</summary>
public sealed record TimerFunction(string Name, string Schedule, Type Handler) : FunctionDefinition(Name);

public sealed record QueueInvocation(string FunctionName, string MessageText, string? MessageId, long DequeueCount);

public sealed record TimerInvocation(string FunctionName, bool IsPastDue);

public interface IQueueFunctionHandler
{
    /// <summary>Handles one message. Throwing fails the invocation: the message is retried and finally poisoned.</summary>
    Task HandleAsync(QueueInvocation invocation, CancellationToken cancellationToken);
}

public interface ITimerFunctionHandler
{
    Task HandleAsync(TimerInvocation invocation, CancellationToken cancellationToken);
}
