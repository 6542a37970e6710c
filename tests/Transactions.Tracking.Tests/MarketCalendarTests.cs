using static Transactions.Tracking.Tests.TestData;

namespace Transactions.Tracking.Tests;

public sealed class MarketCalendarTests
{
    private static readonly DateOnly RepublicDay = new(2026, 1, 26);
    private readonly MarketCalendar _nse = MarketCalendar.Nse([RepublicDay]);

    [Theory]
    [InlineData(9, 14, 59, false)]
    [InlineData(9, 15, 0, true)]
    [InlineData(12, 0, 0, true)]
    [InlineData(15, 29, 59, true)]
    [InlineData(15, 30, 0, false)]
    [InlineData(23, 0, 0, false)]
    public void IsOpen_WednesdayTimes_OpenFromOpenUntilClose(int hour, int minute, int second, bool expected)
    {
        var instant = new DateTimeOffset(2026, 1, 7, hour, minute, second, MarketCalendar.IndiaStandardTime);

        Assert.Equal(expected, _nse.IsOpen(instant));
    }

    [Fact]
    public void IsOpen_InstantInUtc_UsesIndianTime()
    {
        Assert.True(_nse.IsOpen(new DateTimeOffset(2026, 1, 7, 3, 45, 0, TimeSpan.Zero)));
        Assert.False(_nse.IsOpen(new DateTimeOffset(2026, 1, 7, 3, 44, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void IsOpen_SaturdayAndHoliday_Closed()
    {
        Assert.False(_nse.IsOpen(Ist(2026, 1, 10, 11, 0)));
        Assert.False(_nse.IsOpen(Ist(2026, 1, 26, 11, 0)));
        Assert.False(_nse.IsTradingDay(RepublicDay));
    }

    [Fact]
    public void NextOpen_FridayAfternoon_MondayOpen()
    {
        Assert.Equal(Ist(2026, 1, 12, 9, 15), _nse.NextOpen(Ist(2026, 1, 9, 16, 0)));
    }

    [Fact]
    public void NextOpen_BeforeHolidayMonday_TuesdayOpen()
    {
        Assert.Equal(Ist(2026, 1, 27, 9, 15), _nse.NextOpen(Ist(2026, 1, 23, 16, 0)));
    }

    [Fact]
    public void NextOpen_ExactlyAtOpen_ThatOpen()
    {
        Assert.Equal(Ist(2026, 1, 7, 9, 15), _nse.NextOpen(Ist(2026, 1, 7, 9, 15)));
    }

    [Fact]
    public void NextOpen_DuringSession_NextDaysOpen()
    {
        Assert.Equal(Ist(2026, 1, 8, 9, 15), _nse.NextOpen(Ist(2026, 1, 7, 9, 16)));
    }

    [Fact]
    public void NextOpen_EarlyMorning_SameDaysOpen()
    {
        Assert.Equal(Ist(2026, 1, 7, 9, 15), _nse.NextOpen(new DateTimeOffset(2026, 1, 7, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void NextClose_DuringSession_TodaysClose()
    {
        Assert.Equal(Ist(2026, 1, 7, 15, 30), _nse.NextClose(Ist(2026, 1, 7, 11, 0)));
    }

    [Fact]
    public void NextClose_ExactlyAtClose_NextSessionsClose()
    {
        Assert.Equal(Ist(2026, 1, 8, 15, 30), _nse.NextClose(Ist(2026, 1, 7, 15, 30)));
    }

    [Fact]
    public void NextClose_Saturday_MondayClose()
    {
        Assert.Equal(Ist(2026, 1, 12, 15, 30), _nse.NextClose(Ist(2026, 1, 10, 11, 0)));
    }

    [Fact]
    public void Constructor_CloseNotAfterOpen_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MarketCalendar(TimeSpan.Zero, new TimeOnly(10, 0), new TimeOnly(10, 0)));
    }

    [Fact]
    public void NextOpen_NoTradingDayWithinSearchWindow_Throws()
    {
        var start = new DateOnly(2026, 1, 1);
        var calendar = MarketCalendar.Nse(Enumerable.Range(0, 500).Select(start.AddDays));

        Assert.Throws<InvalidOperationException>(() => calendar.NextOpen(Ist(2026, 1, 1, 8, 0)));
    }
}
