using System.Collections.Concurrent;
using Azure.Storage.Queues;
using FunctionApp.Hosting;
using FunctionApp.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TestSupport;

namespace FunctionApp.Tests.Hosting;

/// <summary>The standalone runner against real Azurite queues: the Functions host's delete, retry and poison rules, and timers.</summary>
[Collection(SharedAzurite.Name)]
public sealed class StandaloneTriggersTests : IAsyncLifetime
{
    private const int MaxDequeueCount = 3;
    private const int QueueUnavailableEventId = 1011;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly QueueFunction Function = new("Work", "work-items", typeof(ScriptedQueueHandler));

    private readonly ScriptedQueueHandler handler = new();
    private readonly TickHandler ticks = new();
    private readonly AzuriteFixture azurite;
    private readonly QueueServiceClient queueService;
    private readonly string prefix = "s" + Guid.NewGuid().ToString("N")[..10];
    private ServiceProvider services = null!;

    public StandaloneTriggersTests(AzuriteFixture azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        this.azurite = azurite;
        queueService = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    }

    private QueueClient Queue => queueService.GetQueueClient(prefix + Function.QueueName);

    private QueueClient PoisonQueue => queueService.GetQueueClient(prefix + StandaloneTriggers.PoisonQueueName(Function.QueueName));

    public async Task InitializeAsync()
    {
        services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(handler)
            .AddSingleton(ticks)
            .AddSingleton<FunctionInvoker>()
            .BuildServiceProvider();
        await Queue.CreateIfNotExistsAsync();
    }

    public async Task DisposeAsync()
    {
        await Queue.DeleteIfExistsAsync();
        await PoisonQueue.DeleteIfExistsAsync();
        await services.DisposeAsync();
    }

    [Fact]
    public async Task PollOnce_HandlerSucceeds_DeletesTheMessage()
    {
        await Queue.SendMessageAsync("""{"transactionId":"TRX_1"}""");
        var triggers = Triggers([Function]);

        var received = await triggers.PollOnceAsync(Function, CancellationToken.None);

        Assert.Equal(1, received);
        var invocation = Assert.Single(handler.Invocations);
        Assert.Equal("Work", invocation.FunctionName);
        Assert.Equal("""{"transactionId":"TRX_1"}""", invocation.MessageText);
        Assert.Equal(1, invocation.DequeueCount);
        Assert.False(string.IsNullOrEmpty(invocation.MessageId));
        Assert.Equal(0, await MessageCountAsync(Queue));
        Assert.False(await PoisonQueue.ExistsAsync());
    }

    [Fact]
    public async Task PollOnce_HandlerKeepsFailing_MovesTheMessageToThePoisonQueueAfterMaxDequeueCount()
    {
        handler.FailedAttempts = int.MaxValue;
        await Queue.SendMessageAsync("poison me");
        var triggers = Triggers([Function]);

        await Eventually.Until(
            async () =>
            {
                await triggers.PollOnceAsync(Function, CancellationToken.None);
                return await PoisonQueue.ExistsAsync() && await MessageCountAsync(PoisonQueue) == 1;
            },
            Patience,
            "the message to be poisoned");

        Assert.Equal([1L, 2L, 3L], handler.Invocations.Select(i => i.DequeueCount));
        Assert.All(handler.Invocations, i => Assert.Equal("poison me", i.MessageText));
        Assert.Equal(0, await MessageCountAsync(Queue));
        var poisoned = Assert.Single((await PoisonQueue.ReceiveMessagesAsync(maxMessages: 10)).Value);
        Assert.Equal("poison me", poisoned.MessageText);
    }

    [Fact]
    public async Task PollOnce_HandlerFailsOnceThenSucceeds_RetriesAndDeletes()
    {
        handler.FailedAttempts = 1;
        await Queue.SendMessageAsync("retry me");
        var triggers = Triggers([Function]);

        await Eventually.Until(
            async () =>
            {
                await triggers.PollOnceAsync(Function, CancellationToken.None);
                return handler.Succeeded > 0;
            },
            Patience,
            "the retry to succeed");

        Assert.Equal([1L, 2L], handler.Invocations.Select(i => i.DequeueCount));
        Assert.Equal(0, await MessageCountAsync(Queue));
        Assert.False(await PoisonQueue.ExistsAsync());
    }

    [Fact]
    public async Task PollOnce_EmptyQueue_InvokesNothing()
    {
        var received = await Triggers([Function]).PollOnceAsync(Function, CancellationToken.None);

        Assert.Equal(0, received);
        Assert.Empty(handler.Invocations);
    }

    [Fact]
    public async Task Run_AsHostedService_ListensToTheDeclaredQueue()
    {
        var triggers = Triggers([Function]);
        await triggers.StartAsync(CancellationToken.None);
        try
        {
            await Queue.SendMessageAsync("first");
            await Queue.SendMessageAsync("second");

            await Eventually.Until(() => handler.Succeeded == 2, Patience, "both messages to be handled");
            await Eventually.Until(async () => await MessageCountAsync(Queue) == 0, Patience, "both messages to be deleted");
        }
        finally
        {
            await triggers.StopAsync(CancellationToken.None);
        }

        Assert.Equal(["first", "second"], handler.Invocations.Select(i => i.MessageText).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_DeclaredTimer_FiresItsHandlerOnSchedule()
    {
        var timer = new TimerFunction("Tick", "* * * * * *", typeof(TickHandler));
        var triggers = Triggers([timer]);
        await triggers.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.Until(() => !ticks.Invocations.IsEmpty, Patience, "the every-second timer to fire");
        }
        finally
        {
            await triggers.StopAsync(CancellationToken.None);
        }

        Assert.All(ticks.Invocations, tick => Assert.Equal(new TimerInvocation("Tick", IsPastDue: false), tick));
    }

    [Fact]
    public async Task Run_QueueUnreachableBeyondTheClientsOwnRetries_ListenerBacksOffAndResumes()
    {
        await using var outage = new ToggleableTcpProxy(azurite.QueuePort);
        outage.Disable();
        // One retry, quickly: every receive during the outage ends in Azure.Core's "retry failed" AggregateException.
        var throughOutage = new QueueServiceClient(
            AzuriteFixture.ConnectionStringFor(azurite.BlobPort, outage.Port, azurite.TablePort),
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64, Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(10) } });
        var log = new RecordingLogger<StandaloneTriggers>();
        var triggers = Triggers([Function], new PrefixedQueues(throughOutage, prefix), log);
        await triggers.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.Until(() => log.Count(QueueUnavailableEventId) >= 2, Patience, "the listener to fail, back off and poll again");
            outage.Enable();
            await Queue.SendMessageAsync("after the outage");

            await Eventually.Until(() => handler.Succeeded == 1, Patience, "the message sent after the outage to be handled");
        }
        finally
        {
            await triggers.StopAsync(CancellationToken.None);
        }

        Assert.Equal("after the outage", Assert.Single(handler.Invocations).MessageText);
    }

    private StandaloneTriggers Triggers(IReadOnlyList<FunctionDefinition> functions, ITriggerQueues? queues = null, ILogger<StandaloneTriggers>? logger = null) => new(
        functions,
        queues ?? new PrefixedQueues(queueService, prefix),
        services.GetRequiredService<FunctionInvoker>(),
        Options.Create(new StandaloneOptions
        {
            MaxDequeueCount = MaxDequeueCount,
            RetryDelay = TimeSpan.FromMilliseconds(100),
            MessageLease = TimeSpan.FromSeconds(30),
            MaxPollingInterval = TimeSpan.FromMilliseconds(100),
        }),
        TimeProvider.System,
        logger ?? NullLogger<StandaloneTriggers>.Instance);

    /// <summary>Every message in the queue, visible or not (an invisible one waiting for its retry counts).</summary>
    private static async Task<int> MessageCountAsync(QueueClient queue) => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    /// <summary>Counts log entries by event id.</summary>
    private sealed class RecordingLogger<T> : ILogger<T>
    {
        private readonly ConcurrentQueue<int> eventIds = new();

        public int Count(int eventId) => eventIds.Count(id => id == eventId);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            eventIds.Enqueue(eventId.Id);
    }

    private sealed class PrefixedQueues(QueueServiceClient service, string prefix) : ITriggerQueues
    {
        public QueueClient Resolve(string queueName) => service.GetQueueClient(prefix + queueName);
    }

    /// <summary>Fails its first <see cref="FailedAttempts"/> invocations, then succeeds.</summary>
    private sealed class ScriptedQueueHandler : IQueueFunctionHandler
    {
        private int attempts;
        private int succeeded;

        public ConcurrentQueue<QueueInvocation> Invocations { get; } = new();

        public int FailedAttempts { get; set; }

        public int Succeeded => Volatile.Read(ref succeeded);

        public Task HandleAsync(QueueInvocation invocation, CancellationToken cancellationToken)
        {
            Invocations.Enqueue(invocation);
            if (Interlocked.Increment(ref attempts) <= FailedAttempts)
            {
                throw new InvalidOperationException("scripted failure");
            }

            Interlocked.Increment(ref succeeded);
            return Task.CompletedTask;
        }
    }

    private sealed class TickHandler : ITimerFunctionHandler
    {
        public ConcurrentQueue<TimerInvocation> Invocations { get; } = new();

        public Task HandleAsync(TimerInvocation invocation, CancellationToken cancellationToken)
        {
            Invocations.Enqueue(invocation);
            return Task.CompletedTask;
        }
    }
}
