using System.Globalization;
using Transactions.Tracking;

namespace FunctionApp.Tracking;

/// <summary>Tracker timings (<c>Tracker:*</c>) and the NSE holiday calendar (<c>Tracker:Holidays</c>, comma-separated yyyy-MM-dd).</summary>
public static class TrackerConfiguration
{
    public const string Section = "Tracker";

    public static TrackerTimings Timings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var defaults = TrackerTimings.Default;
        var timings = new TrackerTimings
        {
            SignalReadDelay = section.GetValue(nameof(TrackerTimings.SignalReadDelay), defaults.SignalReadDelay),
            BackoffInitial = section.GetValue(nameof(TrackerTimings.BackoffInitial), defaults.BackoffInitial),
            BackoffMax = section.GetValue(nameof(TrackerTimings.BackoffMax), defaults.BackoffMax),
            PollRetryInitial = section.GetValue(nameof(TrackerTimings.PollRetryInitial), defaults.PollRetryInitial),
            PollRetryMax = section.GetValue(nameof(TrackerTimings.PollRetryMax), defaults.PollRetryMax),
            ExpiryGrace = section.GetValue(nameof(TrackerTimings.ExpiryGrace), defaults.ExpiryGrace),
            ConfirmDelay = section.GetValue(nameof(TrackerTimings.ConfirmDelay), defaults.ConfirmDelay),
            SessionOpenDelay = section.GetValue(nameof(TrackerTimings.SessionOpenDelay), defaults.SessionOpenDelay),
            AfterCloseDelay = section.GetValue(nameof(TrackerTimings.AfterCloseDelay), defaults.AfterCloseDelay),
            RecordRetryInitial = section.GetValue(nameof(TrackerTimings.RecordRetryInitial), defaults.RecordRetryInitial),
            RecordRetryMax = section.GetValue(nameof(TrackerTimings.RecordRetryMax), defaults.RecordRetryMax),
            LateStart = section.GetValue(nameof(TrackerTimings.LateStart), defaults.LateStart),
        };
        timings.Validate();
        return timings;
    }

    public static MarketCalendar Calendar(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var holidays = (configuration[$"{Section}:Holidays"] ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(day => DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture));
        return MarketCalendar.Nse(holidays);
    }
}
