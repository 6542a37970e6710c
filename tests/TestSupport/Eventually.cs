namespace TestSupport;

/// <summary>
/// Polls a condition until it holds or a deadline passes: the test-side replacement for fixed sleeps.
/// The poll interval starts short and doubles up to a cap, so fast conditions finish fast.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(500);

    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public static Task Until(Func<bool> condition, TimeSpan timeout, string? because = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return Until(() => Task.FromResult(condition()), timeout, because);
    }

    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string? because = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilNotNull(async () => await condition().ConfigureAwait(false) ? string.Empty : null, timeout, because);
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a non-null value, and returns that value.</summary>
    /// <exception cref="TimeoutException">The probe kept returning null until <paramref name="timeout"/> passed.</exception>
    public static async Task<T> UntilNotNull<T>(Func<Task<T?>> probe, TimeSpan timeout, string? because = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var deadline = DateTime.UtcNow + timeout;
        var interval = FirstInterval;
        while (true)
        {
            if (await probe().ConfigureAwait(false) is { } value)
            {
                return value;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException(
                    $"Condition not met within {timeout.TotalSeconds:0.#} s{(because is null ? "" : $": {because}")}.");
            }

            await Task.Delay(interval < remaining ? interval : remaining).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxInterval.Ticks));
        }
    }
}
