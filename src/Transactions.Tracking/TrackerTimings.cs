namespace Transactions.Tracking;

/// <summary>How long the tracker waits. Bindable from configuration; checked by <see cref="Validate"/>.</summary>
public sealed record TrackerTimings
{
    public static TrackerTimings Default { get; } = new();

    /// <summary>
    /// After a webhook or SDK result, how long to wait before reading the Gateway: the signals of one burst (the
    /// "placed" and "completed" webhooks of an order filled at once) arriving meanwhile are answered by the same read.
    /// </summary>
    public TimeSpan SignalReadDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>First delay between polls that bring nothing new; doubles up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>First delay after a failed poll; doubles up to <see cref="PollRetryMax"/>.</summary>
    public TimeSpan PollRetryInitial { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan PollRetryMax { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long after expireAt an untouched transaction is declared expired.</summary>
    public TimeSpan ExpiryGrace { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long after the Gateway says COMPLETED to read the order details, giving them time to settle.</summary>
    public TimeSpan ConfirmDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>AMO and limit orders outside market hours: wake this long after the next session opens.</summary>
    public TimeSpan SessionOpenDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Limit orders open near the close: look this long after it, when the exchange has cancelled what is left.</summary>
    public TimeSpan AfterCloseDelay { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>First delay before saving a tracked change again when storage failed; doubles up to <see cref="RecordRetryMax"/>.</summary>
    public TimeSpan RecordRetryInitial { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between attempts to save a tracked change.</summary>
    public TimeSpan RecordRetryMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A tracking that first runs later than this after its transaction was created (storage failed meanwhile) reads
    /// the transaction details at once: the task hub drops signals raised on an instance before its first run, so one
    /// may have been lost. A first run normally comes within a queue polling interval.
    /// </summary>
    public TimeSpan LateStart { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        RequireNotNegative(SignalReadDelay);
        RequirePositive(LateStart);
        RequirePositive(BackoffInitial);
        RequirePositive(PollRetryInitial);
        RequirePositive(RecordRetryInitial);
        RequireNotNegative(ExpiryGrace);
        RequireNotNegative(ConfirmDelay);
        RequireNotNegative(SessionOpenDelay);
        RequireNotNegative(AfterCloseDelay);
        ArgumentOutOfRangeException.ThrowIfLessThan(BackoffMax, BackoffInitial);
        ArgumentOutOfRangeException.ThrowIfLessThan(PollRetryMax, PollRetryInitial);
        ArgumentOutOfRangeException.ThrowIfLessThan(RecordRetryMax, RecordRetryInitial);
    }

    internal TimeSpan Backoff(int idlePolls) => Exponential(BackoffInitial, BackoffMax, idlePolls);

    internal TimeSpan PollRetry(int failures) => Exponential(PollRetryInitial, PollRetryMax, failures);

    /// <summary>initial, initial, 2×initial, 4×initial, ... capped; n counts the attempts so far.</summary>
    private static TimeSpan Exponential(TimeSpan initial, TimeSpan max, int n)
    {
        var doublings = Math.Clamp(n - 1, 0, 30);
        var ticks = Math.Min((double)initial.Ticks * Math.Pow(2, doublings), max.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    private static void RequirePositive(TimeSpan value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null) =>
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, name);

    private static void RequireNotNegative(TimeSpan value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null) =>
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, name);
}
