using System.Globalization;
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
    /// <summary>Every ticker the simulator's tests, the Try-it page, the demo, the soak and the bench trade.</summary>
    private static readonly string[] TickersInUse =
    [
        "RELIANCE", "ITC", "TCS", "INFY", "HDFCBANK", "ICICIBANK", "SBIN", "LT", "AXISBANK", "WIPRO", "MARUTI", "ONGC",
        "NTPC", "M&M", "NIFTYBEES", "GOLDBEES", "BANKBEES", "EMBASSY", "MINDSPACE", "PGINVIT", "INDIGRID",
    ];

    private static readonly string[] OrderKeys = [.. Enumerable.Range(1, 400).Select(i => (1_100_000_000_000_000L + i).ToString(CultureInfo.InvariantCulture))];

    [Theory]
    [InlineData("RELIANCE", InstrumentKind.Stock, 1_200, 1_800)]
    [InlineData("ITC", InstrumentKind.Stock, 350, 480)]
    [InlineData("INFY", InstrumentKind.Stock, 1_300, 1_800)]
    [InlineData("TCS", InstrumentKind.Stock, 2_800, 3_600)]
    [InlineData("HDFCBANK", InstrumentKind.Stock, 850, 1_100)]
    [InlineData("M&M", InstrumentKind.Stock, 3_000, 4_200)]
    [InlineData("NIFTYBEES", InstrumentKind.Etf, 250, 320)]
    [InlineData("GOLDBEES", InstrumentKind.Etf, 80, 120)]
    [InlineData("EMBASSY", InstrumentKind.Reit, 350, 450)]
    [InlineData("MINDSPACE", InstrumentKind.Reit, 380, 500)]
    [InlineData("INDIGRID", InstrumentKind.Invit, 140, 180)]
    [InlineData("PGINVIT", InstrumentKind.Invit, 75, 105)]
    public void ReferencePriceOf_PoolTicker_IsTheTablePriceOfTheRightOrder(string ticker, InstrumentKind kind, int low, int high)
    {
        var instrument = PriceBook.Find(ticker);

        Assert.NotNull(instrument);
        Assert.Equal(kind, instrument.Kind);
        Assert.Equal(instrument.ReferencePrice, PriceBook.ReferencePriceOf(ticker));
        Assert.InRange(PriceBook.ReferencePriceOf(ticker), low, high);
    }

    [Fact]
    public void Pool_EveryTickerInUse_IsInThePoolOnceOnTheTick()
    {
        Assert.All(TickersInUse, ticker => Assert.NotNull(PriceBook.Find(ticker)));
        Assert.Equal(PriceBook.Pool.Count, PriceBook.Pool.Select(i => i.Ticker).Distinct(StringComparer.Ordinal).Count());
        Assert.All(PriceBook.Pool, instrument =>
        {
            Assert.True(instrument.ReferencePrice > 0m, instrument.Ticker);
            Assert.Equal(0m, instrument.ReferencePrice % PriceBook.TickSize);
        });
        Assert.Equal(Enum.GetValues<InstrumentKind>(), PriceBook.Pool.Select(i => i.Kind).Distinct().Order());
    }

    [Fact]
    public void Find_TickerInAnotherCase_NotInThePool() => Assert.Null(PriceBook.Find("reliance"));

    [Fact]
    public void ReferencePriceOf_TickerOutsideThePool_SameBelievablePriceEveryTime()
    {
        var tickers = Enumerable.Range(0, 600).Select(i => $"SYM{i}").ToList();

        var prices = tickers.Select(PriceBook.ReferencePriceOf).ToList();

        Assert.All(tickers, ticker => Assert.Null(PriceBook.Find(ticker)));
        Assert.Equal(prices, tickers.Select(PriceBook.ReferencePriceOf));
        Assert.All(prices, price =>
        {
            Assert.InRange(price, PriceBook.FallbackMinimum, PriceBook.FallbackMaximum);
            Assert.Equal(0m, price % PriceBook.TickSize);
        });

        // Spread over the whole range on a log scale: every doubling from 50 INR gets a fair share.
        Assert.All(new[] { (50m, 100m), (100m, 200m), (200m, 400m), (400m, 800m), (800m, 1_600m), (1_600m, 3_000m) }, range =>
            Assert.InRange(prices.Count(p => p >= range.Item1 && p <= range.Item2), 60, 140));
        Assert.True(prices.Distinct().Count() > 550);
    }

    [Theory]
    [InlineData("RELIANCE")]
    [InlineData("MARUTI")]
    [InlineData("IRBINVIT")]
    [InlineData("NOTINTHEPOOL")]
    public void FillPrice_ManyOrders_WithinOnePercentOnTheTickAndSpreadBothWays(string ticker)
    {
        var reference = PriceBook.ReferencePriceOf(ticker);

        var fills = OrderKeys.Select(key => PriceBook.FillPrice(ticker, key)).ToList();

        Assert.All(fills, fill =>
        {
            Assert.InRange(fill, reference * (1 - PriceBook.Band), reference * (1 + PriceBook.Band));
            Assert.Equal(0m, fill % PriceBook.TickSize);
        });
        Assert.Contains(fills, fill => fill < reference);
        Assert.Contains(fills, fill => fill > reference);
        Assert.Contains(fills, fill => fill < reference * (1 - (PriceBook.Band / 2)));
        Assert.Contains(fills, fill => fill > reference * (1 + (PriceBook.Band / 2)));
        Assert.True(fills.Distinct().Count() > 20);
    }

    /// <summary>
    /// Pinned prices: the same order fills at the same price in every process and on every platform (a per-process
    /// hash such as <see cref="string.GetHashCode()"/> would pass a same-process check and still break this).
    /// </summary>
    [Theory]
    [InlineData("ITC", "1100000000000001", "402.65")]
    [InlineData("ITC", "1100000000000002", "406.15")]
    [InlineData("RELIANCE", "1100000000000001", "1509.15")]
    [InlineData("NOTINTHEPOOL", "1100000000000001", "988.70")]
    public void FillPrice_PinnedOrder_SamePriceInEveryRun(string ticker, string orderKey, string expected) =>
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), PriceBook.FillPrice(ticker, orderKey));

    [Fact]
    public void ReferencePriceOf_PinnedTickerOutsideThePool_SamePriceInEveryRun() =>
        Assert.Equal(992.40m, PriceBook.ReferencePriceOf("NOTINTHEPOOL"));
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

    [Theory]
    [InlineData(1, "CANCELLED")]
    [InlineData(0, "UNFILLED")]
    public void StatusOf_EveryOrderCancelledWithoutAFill_CancelledOnlyWhenTheUserCancelled(int cancelledByUser, string expected) =>
        Assert.Equal(expected, BatchRules.StatusOf([(StockOrderStatus.CancelledAmo, 0), (StockOrderStatus.Cancelled, 0)], 0, cancelledByUser).Value);

    [Fact]
    public void StatusOf_UserCancelledOneButAnotherFilled_PartiallyFilled() =>
        Assert.Equal("PARTIALLYFILLED", BatchRules.StatusOf([(StockOrderStatus.CancelledAmo, 0), (StockOrderStatus.Complete, 5)], 0, 1).Value);
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
