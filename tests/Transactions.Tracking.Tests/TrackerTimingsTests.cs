namespace Transactions.Tracking.Tests;

public sealed class TrackerTimingsTests
{
    [Fact]
    public void Validate_Defaults_Pass()
    {
        TrackerTimings.Default.Validate();

        Assert.Equal(
            (TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5)),
            (TrackerTimings.Default.SignalReadDelay, TrackerTimings.Default.BackoffInitial, TrackerTimings.Default.BackoffMax,
                TrackerTimings.Default.ExpiryGrace, TrackerTimings.Default.SessionOpenDelay));
    }

    public static TheoryData<TrackerTimings> InvalidTimings() =>
    [
        TrackerTimings.Default with { SignalReadDelay = TimeSpan.FromSeconds(-1) },
        TrackerTimings.Default with { BackoffInitial = TimeSpan.FromSeconds(-1) },
        TrackerTimings.Default with { BackoffMax = TimeSpan.FromSeconds(30) },
        TrackerTimings.Default with { PollRetryMax = TimeSpan.FromSeconds(1) },
        TrackerTimings.Default with { ExpiryGrace = TimeSpan.FromMinutes(-1) },
        TrackerTimings.Default with { ConfirmDelay = TimeSpan.FromMinutes(-1) },
        TrackerTimings.Default with { AfterCloseDelay = TimeSpan.FromMinutes(-1) },
    ];

    [Theory]
    [MemberData(nameof(InvalidTimings))]
    public void Validate_InvalidSetting_Throws(TrackerTimings timings)
    {
        Assert.Throws<ArgumentOutOfRangeException>(timings.Validate);
    }

    [Fact]
    public void Backoff_IdlePolls_DoublesFromInitialToCap()
    {
        var minutes = Enumerable.Range(0, 8).Select(n => TrackerTimings.Default.Backoff(n).TotalMinutes);

        Assert.Equal([1, 1, 2, 4, 8, 16, 30, 30], minutes);
    }

    [Fact]
    public void Backoff_HugeCount_StaysAtCap()
    {
        Assert.Equal(TrackerTimings.Default.BackoffMax, TrackerTimings.Default.Backoff(int.MaxValue));
        Assert.Equal(TrackerTimings.Default.PollRetryMax, TrackerTimings.Default.PollRetry(10_000));
    }
}
