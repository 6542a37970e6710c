using Gateway.Client.Orders;
using Gateway.Simulator.Clock;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Market;
using Microsoft.Extensions.Time.Testing;
using static Gateway.Simulator.Tests.TestSimulator;

namespace Gateway.Simulator.Tests;

public sealed class MarketCalendarTests
{
    private readonly MarketCalendar calendar = new([new DateOnly(2026, 12, 25)]);

    [Theory]
    [InlineData(2026, 11, 27, 9, 14, false)]
    [InlineData(2026, 11, 27, 9, 15, true)]
    [InlineData(2026, 11, 27, 15, 29, true)]
    [InlineData(2026, 11, 27, 15, 30, false)]
    [InlineData(2026, 11, 28, 11, 0, false)]
    [InlineData(2026, 12, 25, 11, 0, false)]
    public void IsOpen_IstInstant_FollowsTheSessionWeekdaysAndHolidays(int year, int month, int day, int hour, int minute, bool open) =>
        Assert.Equal(open, calendar.IsOpen(Ist(year, month, day, hour, minute)));

    [Fact]
    public void IsOpen_UtcInstant_ConvertedToIst() =>
        Assert.True(calendar.IsOpen(new DateTimeOffset(2026, 11, 27, 3, 45, 0, TimeSpan.Zero)));

    [Theory]
    [InlineData(2026, 11, 27, 8, 0, 2026, 11, 27)]
    [InlineData(2026, 11, 27, 18, 0, 2026, 11, 30)]
    [InlineData(2026, 11, 28, 10, 0, 2026, 11, 30)]
    [InlineData(2026, 12, 24, 16, 0, 2026, 12, 28)]
    public void NextOpen_AfterAnInstant_IsTheNextTradingDayAt0915(int year, int month, int day, int hour, int minute, int openYear, int openMonth, int openDay) =>
        Assert.Equal(Ist(openYear, openMonth, openDay, 9, 15), calendar.NextOpen(Ist(year, month, day, hour, minute)));

    [Fact]
    public void CloseOf_AnInstantInTheSession_Is1530ThatDay() =>
        Assert.Equal(Ist(2026, 11, 27, 15, 30), MarketCalendar.CloseOf(Ist(2026, 11, 27, 10, 0)));
}

public sealed class PriceBookTests
{
    [Fact]
    public void PriceOf_SameTicker_SamePriceOnTheTickWithinRange()
    {
        var prices = new[] { "RELIANCE", "ITC", "INFY", "M&M", "NIFTYBEES" }.Select(PriceBook.PriceOf).ToList();

        Assert.Equal(PriceBook.PriceOf("RELIANCE"), prices[0]);
        Assert.All(prices, price =>
        {
            Assert.InRange(price, 100m, 5000m);
            Assert.Equal(0m, price % PriceBook.TickSize);
        });
        Assert.True(prices.Distinct().Count() > 1);
    }
}

public sealed class BatchRulesTests
{
    private static readonly (StockOrderStatus, int)[] NoOrders = [];

    public static TheoryData<(StockOrderStatus, int)[], int, string> Cases => new()
    {
        { [(StockOrderStatus.Placed, 0), (StockOrderStatus.Complete, 1)], 0, "PLACED" },
        { [(StockOrderStatus.Partial, 2)], 1, "PARTIALLYPLACED" },
        { [(StockOrderStatus.Complete, 1), (StockOrderStatus.Complete, 5)], 0, "COMPLETED" },
        { [(StockOrderStatus.Complete, 1)], 1, "PARTIALLYFILLED" },
        { [(StockOrderStatus.Cancelled, 2), (StockOrderStatus.Rejected, 0)], 0, "PARTIALLYFILLED" },
        { [(StockOrderStatus.Rejected, 0), (StockOrderStatus.Cancelled, 0)], 0, "UNFILLED" },
        { [(StockOrderStatus.Error, 0)], 0, "ERROR" },
        { [(StockOrderStatus.Error, 0), (StockOrderStatus.Rejected, 0)], 0, "UNFILLED" },
        { NoOrders, 2, "UNPLACED" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void StatusOf_Orders_DerivesTheBatchStatus((StockOrderStatus, int)[] placed, int unplaced, string expected) =>
        Assert.Equal(expected, BatchRules.StatusOf(placed, unplaced).Value);
}

public sealed class SimulatorClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 5, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Running_FollowsRealTimeFromItsStart()
    {
        var real = new FakeTimeProvider(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var clock = new SimulatorClock(Start, freeze: false, real);

        real.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(Start.AddMinutes(3), clock.GetUtcNow());
    }

    [Fact]
    public void Frozen_IgnoresRealTimeAndMovesOnlyWhenTold()
    {
        var real = new FakeTimeProvider();
        var clock = new SimulatorClock(Start, freeze: true, real);

        real.Advance(TimeSpan.FromHours(1));
        var stillFrozen = clock.GetUtcNow();
        clock.AdvanceBy(TimeSpan.FromMinutes(10));

        Assert.Equal(Start, stillFrozen);
        Assert.Equal(Start.AddMinutes(10), clock.GetUtcNow());
    }

    [Fact]
    public void FreezeThenUnfreeze_ContinuesFromTheFrozenInstant()
    {
        var real = new FakeTimeProvider();
        var clock = new SimulatorClock(Start, freeze: false, real);

        clock.Freeze(true);
        real.Advance(TimeSpan.FromHours(5));
        clock.Freeze(false);
        real.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(Start.AddSeconds(30), clock.GetUtcNow());
    }

    [Fact]
    public void SetTo_WhileRunning_RunsOnFromThere()
    {
        var real = new FakeTimeProvider();
        var clock = new SimulatorClock(Start, freeze: false, real);
        var target = Start.AddDays(3);

        clock.SetTo(target);
        real.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(target.AddMinutes(1), clock.GetUtcNow());
    }
}
