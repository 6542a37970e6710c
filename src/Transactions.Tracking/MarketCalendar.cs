namespace Transactions.Tracking;

/// <summary>
/// Exchange sessions: one session per trading day (weekdays that are not holidays), in a fixed UTC offset.
/// NSE: IST (UTC+05:30, no daylight saving), 09:15–15:30. Holidays come from configuration; special sessions
/// (e.g. Muhurat trading) are not modelled.
/// </summary>
public sealed class MarketCalendar
{
    public static readonly TimeSpan IndiaStandardTime = new(5, 30, 0);

    private const int MaxSearchDays = 400;
    private readonly HashSet<DateOnly> _holidays;

    public MarketCalendar(TimeSpan utcOffset, TimeOnly sessionOpen, TimeOnly sessionClose, IEnumerable<DateOnly>? holidays = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(sessionClose, sessionOpen);
        UtcOffset = utcOffset;
        SessionOpen = sessionOpen;
        SessionClose = sessionClose;
        _holidays = [.. holidays ?? []];
    }

    /// <summary>NSE's normal session, 09:15–15:30 IST, Monday to Friday, minus the given exchange holidays.</summary>
    public static MarketCalendar Nse(IEnumerable<DateOnly>? holidays = null) =>
        new(IndiaStandardTime, new TimeOnly(9, 15), new TimeOnly(15, 30), holidays);

    public TimeSpan UtcOffset { get; }

    public TimeOnly SessionOpen { get; }

    public TimeOnly SessionClose { get; }

    public IReadOnlySet<DateOnly> Holidays => _holidays;

    /// <summary>A weekday in the exchange's time zone that is not a holiday.</summary>
    public bool IsTradingDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(date);

    /// <summary>True from the session's open (inclusive) to its close (exclusive) on a trading day.</summary>
    public bool IsOpen(DateTimeOffset instant)
    {
        var local = instant.ToOffset(UtcOffset);
        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        return IsTradingDay(DateOnly.FromDateTime(local.DateTime)) && time >= SessionOpen && time < SessionClose;
    }

    /// <summary>The first session open at or after <paramref name="instant"/>.</summary>
    public DateTimeOffset NextOpen(DateTimeOffset instant) => FirstSessionTime(instant, SessionOpen, inclusive: true);

    /// <summary>The first session close after <paramref name="instant"/>: the close of the session in progress, or of the next one.</summary>
    public DateTimeOffset NextClose(DateTimeOffset instant) => FirstSessionTime(instant, SessionClose, inclusive: false);

    private DateTimeOffset FirstSessionTime(DateTimeOffset instant, TimeOnly timeOfDay, bool inclusive)
    {
        var day = DateOnly.FromDateTime(instant.ToOffset(UtcOffset).DateTime);
        for (var i = 0; i <= MaxSearchDays; i++, day = day.AddDays(1))
        {
            if (!IsTradingDay(day))
            {
                continue;
            }

            var at = new DateTimeOffset(day.ToDateTime(timeOfDay), UtcOffset);
            if (at > instant || (inclusive && at == instant))
            {
                return at;
            }
        }

        throw new InvalidOperationException($"No trading day within {MaxSearchDays} days of {instant:O}; check the holiday list.");
    }
}
