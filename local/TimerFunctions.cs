using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using NCrontab;

namespace LocalHost;

/// <summary>
/// Fires the function app's timer-triggered functions on their NCRONTAB schedules (six fields, seconds first, UTC), as
/// the Functions host would: each <c>[Function]</c> method with a <c>[TimerTrigger]</c>, its class created per
/// invocation. A failed invocation is logged and the schedule goes on.
/// </summary>
public sealed partial class TimerFunctions(IServiceProvider services, TimeProvider clock, ILogger<TimerFunctions> logger) : BackgroundService
{
    public static IReadOnlyList<(string Name, string Schedule, MethodInfo Method)> Discover(Assembly functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        return [.. functions.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>(), Timer: m.GetParameters().Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).SingleOrDefault(a => a is not null)))
            .Where(f => f.Function is not null && f.Timer is not null)
            .Select(f => (f.Function!.Name, f.Timer!.Schedule, f.Method))];
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Discover(typeof(FunctionApp.AppServices).Assembly).Select(f => ScheduleAsync(f.Name, f.Schedule, f.Method, stoppingToken)));

    private async Task ScheduleAsync(string name, string schedule, MethodInfo method, CancellationToken stoppingToken)
    {
        var crontab = CrontabSchedule.Parse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = new DateTimeOffset(crontab.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
            try
            {
                await Task.Delay(next - now, clock, stoppingToken);
                await InvokeAsync(method, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Like the Functions host, a failed invocation is logged and the next one runs on schedule.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.TimerFunctionFailed(logger, name, ex is TargetInvocationException { InnerException: { } inner } ? inner : ex);
            }
        }
    }

    private async Task InvokeAsync(MethodInfo method, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, method.DeclaringType!);
        var arguments = method.GetParameters().Select(object? (p) => p.ParameterType switch
        {
            var t when t == typeof(TimerInfo) => new TimerInfo(),
            var t when t == typeof(CancellationToken) => cancellationToken,
            var t when t == typeof(DurableTaskClient) => scope.ServiceProvider.GetRequiredService<DurableTaskClient>(),
            _ => throw new InvalidOperationException($"The local host cannot bind parameter {p.Name} of timer function {method.Name}."),
        }).ToArray();
        if (method.Invoke(instance, arguments) is Task task)
        {
            await task;
        }
    }
}
