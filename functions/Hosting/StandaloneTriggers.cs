using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FunctionApp.Telemetry;
using Microsoft.Extensions.Options;
using NCrontab;
using Transactions.Storage;

namespace FunctionApp.Hosting;

/// <summary>Resolves a trigger's queue name to a client (applying any configured name prefix).</summary>
public interface ITriggerQueues
{
    QueueClient Resolve(string queueName);
}

/// <summary>
/// Standalone mode: listens to the declared queues and fires the declared timers itself, invoking the same handlers
/// the Functions host would, with the host's retry and poison rules. A poisoned message is logged and counted in
/// <paramref name="metrics"/> (<c>queue.poisoned</c>) when given.
/// </summary>
public sealed partial class StandaloneTriggers(
    IEnumerable<FunctionDefinition> functions,
    ITriggerQueues queues,
    FunctionInvoker invoker,
    IOptions<StandaloneOptions> options,
    TimeProvider clock,
    ILogger<StandaloneTriggers> logger,
    AppMetrics? metrics = null) : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(50);
    private readonly StandaloneOptions settings = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(functions.Select(function => function switch
        {
            QueueFunction queue => ListenAsync(queue, stoppingToken),
            TimerFunction timer => ScheduleAsync(timer, stoppingToken),
            _ => Task.CompletedTask,
        }));

    /// <summary>Processes one batch; returns how many messages it received. Exposed for tests.</summary>
    public async Task<int> PollOnceAsync(QueueFunction function, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var queue = queues.Resolve(function.QueueName);
        QueueMessage[] messages = await queue.ReceiveMessagesAsync(settings.BatchSize, settings.MessageLease, cancellationToken);
        await Task.WhenAll(messages.Select(message => ProcessAsync(function, queue, message, cancellationToken)));
        return messages.Length;
    }

    private async Task ListenAsync(QueueFunction function, CancellationToken stoppingToken)
    {
        var idleDelay = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var received = await PollOnceAsync(function, stoppingToken);
                idleDelay = received > 0 ? MinPollingInterval : Min(idleDelay * 2, settings.MaxPollingInterval);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException || StorageFailures.IsTransient(ex))
            {
                // Also Azure.Core's AggregateException once its own retries are spent: the listener must outlive any outage.
                LogQueueUnavailable(logger, function.QueueName, (ex as RequestFailedException)?.Status ?? 0, (ex as RequestFailedException)?.ErrorCode ?? ex.GetType().Name);
                idleDelay = settings.MaxPollingInterval;
            }
#pragma warning disable CA1031 // Like the Functions host, a listener outlives any failure of one poll; it is logged, never silent.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogListenerFailed(logger, function.QueueName, ex);
                idleDelay = settings.MaxPollingInterval;
            }

            await DelayAsync(idleDelay, stoppingToken);
        }
    }

    private async Task ProcessAsync(QueueFunction function, QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        var invocation = new QueueInvocation(function.Name, message.MessageText, message.MessageId, message.DequeueCount);
        var outcome = await invoker.InvokeQueueAsync(function, invocation, cancellationToken);
        if (outcome.Succeeded)
        {
            await DeleteAsync(queue, message, cancellationToken);
        }
        else if (message.DequeueCount >= settings.MaxDequeueCount)
        {
            var poison = queues.Resolve(PoisonQueueName(function.QueueName));
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await poison.SendMessageAsync(message.MessageText, cancellationToken);
            await DeleteAsync(queue, message, cancellationToken);
            metrics?.MessagePoisoned(function.Name);
            LogPoisoned(logger, function.Name, message.MessageId, message.DequeueCount);
        }
        else
        {
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: settings.RetryDelay, cancellationToken: cancellationToken);
        }
    }

    public static string PoisonQueueName(string queueName) => $"{queueName}-poison";

    private static async Task DeleteAsync(QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already deleted by an earlier attempt whose lease expired: the work is done either way.
        }
    }

    private async Task ScheduleAsync(TimerFunction function, CancellationToken stoppingToken)
    {
        var schedule = CrontabSchedule.Parse(function.Schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = new DateTimeOffset(schedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
            await DelayAsync(next - now, stoppingToken);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await invoker.InvokeTimerAsync(function, new TimerInvocation(function.Name, IsPastDue: false), stoppingToken);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, clock, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(EventId = 1010, Level = LogLevel.Error, Message = "Message {MessageId} of {FunctionName} moved to the poison queue after {DequeueCount} attempts")]
    private static partial void LogPoisoned(ILogger logger, string functionName, string messageId, long dequeueCount);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Error, Message = "Listener of queue {QueueName} failed a poll; backing off")]
    private static partial void LogListenerFailed(ILogger logger, string queueName, Exception exception);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Queue {QueueName} unavailable ({Status} {ErrorCode}); backing off")]
    private static partial void LogQueueUnavailable(ILogger logger, string queueName, int status, string? errorCode);
}
