using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Transactions.Orchestration.Tests;

/// <summary>
/// A <see cref="TaskOrchestrationContext"/> the test drives by hand: it records every durable call the orchestrator
/// makes (timers, event waits, activities), answers activities from a script, and moves the orchestration's clock when
/// a timer fires. Everything runs inline on the test's thread, so after each step the orchestrator is parked again.
/// </summary>
internal sealed class ScriptedOrchestrationContext(DateTime start, string instanceId) : TaskOrchestrationContext
{
    private readonly List<PendingTimer> _timers = [];
    private readonly Queue<object> _bufferedEvents = new();
    private TaskCompletionSource<object>? _waiting;

    /// <summary>Answers an activity call: return its result, or throw <see cref="TaskFailedException"/> to fail it.</summary>
    public Func<string, object?, object?> Activities { get; set; } = (name, _) => throw new InvalidOperationException($"No script for {name}.");

    /// <summary>Every durable call in order, as text: the orchestrator's observable behaviour, compared across runs.</summary>
    public List<string> Calls { get; } = [];

    public List<(string Name, object? Input)> ActivityCalls { get; } = [];

    public bool Replaying { get; set; }

    public DateTime Now { get; private set; } = start;

    public override TaskName Name => TrackingOrchestration.Name;

    public override string InstanceId => instanceId;

    public override ParentOrchestrationInstance? Parent => null;

    public override DateTime CurrentUtcDateTime => Now;

    public override bool IsReplaying => Replaying;

    public override TaskOrchestrationEntityFeature Entities => throw new NotSupportedException();

    protected override ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    /// <summary>Timers created and neither fired nor cancelled.</summary>
    public IReadOnlyList<DateTime> PendingTimers => [.. _timers.Where(t => !t.Done).Select(t => t.FireAt)];

    public int TimersCreated { get; private set; }

    public bool WaitingForSignal => _waiting is { Task.IsCompleted: false };

    public override T GetInput<T>() => throw new NotSupportedException("The input is passed to RunAsync.");

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var timer = new PendingTimer(fireAt);
        TimersCreated++;
        Calls.Add($"timer {fireAt:O}");
        cancellationToken.Register(() =>
        {
            timer.Done = true;
            timer.Completion.TrySetCanceled(cancellationToken);
        });
        _timers.Add(timer);
        return timer.Completion.Task;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        Assert.Equal(TrackingOrchestration.SignalEvent, eventName);
        Assert.False(WaitingForSignal, "The orchestrator waits for a signal twice at once.");
        if (_bufferedEvents.TryDequeue(out var buffered))
        {
            return Task.FromResult((T)buffered);
        }

        var waiting = new TaskCompletionSource<object>();
        cancellationToken.Register(() => waiting.TrySetCanceled(cancellationToken));
        _waiting = waiting;
        return Cast<T>(waiting.Task);
    }

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        Calls.Add($"activity {name.Name}");
        ActivityCalls.Add((name.Name, input));
        try
        {
            return Task.FromResult((TResult)Activities(name.Name, input)!);
        }
        catch (TaskFailedException e)
        {
            return Task.FromException<TResult>(e);
        }
    }

    /// <summary>Raises a signal: delivered to the pending wait, or kept until the orchestrator waits again (as Durable Task does).</summary>
    public void Raise(TrackerSignal signal)
    {
        Calls.Add($"signal {signal.Source}");
        if (_waiting is { Task.IsCompleted: false } waiting)
        {
            waiting.SetResult(signal);
        }
        else
        {
            _bufferedEvents.Enqueue(signal);
        }
    }

    /// <summary>Moves the clock to the earliest pending timer (or <paramref name="early"/> before it, as a queue may deliver it) and fires it.</summary>
    public DateTime FireNextTimer(TimeSpan early = default)
    {
        var next = _timers.Where(t => !t.Done).MinBy(t => t.FireAt) ?? throw new InvalidOperationException("No timer is pending.");
        Now = next.FireAt - early > Now ? next.FireAt - early : Now;
        next.Done = true;
        Calls.Add($"fired {next.FireAt:O}");
        next.Completion.SetResult();
        return next.FireAt;
    }

    public void Advance(TimeSpan by) => Now += by;

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        throw new NotSupportedException();

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => throw new NotSupportedException();

    public override void SendEvent(string instanceId, string eventName, object payload) => throw new NotSupportedException();

    public override void SetCustomStatus(object? customStatus) => throw new NotSupportedException();

    public override Guid NewGuid() => throw new NotSupportedException();

    private static async Task<T> Cast<T>(Task<object> task) => (T)await task;

    private sealed class PendingTimer(DateTime fireAt)
    {
        public DateTime FireAt { get; } = fireAt;

        public bool Done { get; set; }

        public TaskCompletionSource Completion { get; } = new();
    }
}
