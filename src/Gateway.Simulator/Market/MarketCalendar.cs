namespace Gateway.Simulator.Market;

/// <summary>
/// The NSE normal session: 09:15–15:30 IST, Monday to Friday, minus the configured holidays.
/// IST has no daylight saving, so a fixed +05:30 offset is exact.
/// </summary>
public sealed class MarketCalendar(IEnumerable<DateOnly> holidays)
{
    public static readonly TimeSpan IstOffset = new(5, 30, 0);
    public static readonly TimeOnly SessionOpen = new(9, 15);
    public static readonly TimeOnly SessionClose = new(15, 30);

    private readonly HashSet<DateOnly> holidays = [.. holidays];

    public bool IsTradingDay(DateOnly istDate) =>
        istDate.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !holidays.Contains(istDate);

    public bool IsOpen(DateTimeOffset instant)
    {
        var (date, time) = ToIst(instant);
        return IsTradingDay(date) && time >= SessionOpen && time < SessionClose;
    }

    /// <summary>The first session open strictly after <paramref name="instant"/> (today's, if it is still to come).</summary>
    public DateTimeOffset NextOpen(DateTimeOffset instant)
    {
        var (date, time) = ToIst(instant);
        var day = time < SessionOpen ? date : date.AddDays(1);
        while (!IsTradingDay(day))
        {
            day = day.AddDays(1);
        }

        return At(day, SessionOpen);
    }

    /// <summary>The close of the session on the IST day of <paramref name="instant"/>.</summary>
    public static DateTimeOffset CloseOf(DateTimeOffset instant) => At(ToIst(instant).Date, SessionClose);

    public static DateTimeOffset ToIstOffset(DateTimeOffset instant) => instant.ToOffset(IstOffset);

    private static (DateOnly Date, TimeOnly Time) ToIst(DateTimeOffset instant)
    {
        var local = instant.ToOffset(IstOffset).DateTime;
        return (DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local));
    }

    private static DateTimeOffset At(DateOnly day, TimeOnly time) => new(day.ToDateTime(time), IstOffset);
}
