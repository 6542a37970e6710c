using Gateway.Client.Webhooks;

namespace Gateway.Client.Tests;

public sealed class WebhookTimestampTests
{
    private static readonly DateTimeOffset Documented = new(2021, 8, 16, 8, 27, 34, 213, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 5, 30, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tolerance = WebhookTimestamp.DefaultTolerance;

    [Theory]
    [InlineData("2021-08-16T08:27:34.213Z")]
    [InlineData("2021-08-16T13:57:34.213+05:30")]
    [InlineData("2021-08-16T04:27:34.213-04:00")]
    [InlineData("2021-08-16T08:27:34.2130000Z")]
    [InlineData("1629102454213")]
    [InlineData("1629102454213.0")]
    public void TryParse_IsoStringOrEpochMilliseconds_ReadsTheInstant(string text)
    {
        Assert.True(WebhookTimestamp.TryParse(text, out var timestamp));
        Assert.Equal(Documented, timestamp.Instant);
        Assert.Equal(TimeSpan.Zero, timestamp.Instant.Offset);
    }

    [Fact]
    public void TryParse_IsoWithoutFraction_ReadsTheInstant()
    {
        Assert.True(WebhookTimestamp.TryParse("2021-08-16T08:27:34Z", out var timestamp));
        Assert.Equal(new DateTimeOffset(2021, 8, 16, 8, 27, 34, TimeSpan.Zero), timestamp.Instant);
    }

    [Fact]
    public void TryParse_FractionalMilliseconds_KeepsTheFraction()
    {
        Assert.True(WebhookTimestamp.TryParse("1629102454213.5", out var timestamp));
        Assert.Equal(Documented.AddTicks(TimeSpan.TicksPerMillisecond / 2), timestamp.Instant);
    }

    [Fact]
    public void TryParse_Zero_IsTheEpoch()
    {
        Assert.True(WebhookTimestamp.TryParse("0", out var timestamp));
        Assert.Equal(DateTimeOffset.UnixEpoch, timestamp.Instant);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("t")]
    [InlineData("yesterday")]
    [InlineData("2021-08-16T08:27:34.213")]
    [InlineData("2021-08-16 08:27:34Z")]
    [InlineData("2021-08-16")]
    [InlineData("16/08/2021 08:27:34Z")]
    [InlineData("2021-13-16T08:27:34.213Z")]
    [InlineData("2021-08-16T08:27:34.213z")]
    [InlineData(" 2021-08-16T08:27:34.213Z")]
    [InlineData("-1629102454213")]
    [InlineData("+1629102454213")]
    [InlineData("1.629102454213E12")]
    [InlineData("1629102454213 ")]
    [InlineData("1,629,102,454,213")]
    [InlineData("0x17B4E3B1B45")]
    [InlineData("99999999999999999999999")]
    [InlineData("true")]
    public void TryParse_Malformed_Fails(string? text)
    {
        Assert.False(WebhookTimestamp.TryParse(text, out _));
    }

    [Fact]
    public void Check_Now_IsWithin()
    {
        Assert.Equal(WebhookTimestampCheck.Within, new WebhookTimestamp(Now).Check(Now, Tolerance));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void Check_ExactlyAtTheEdge_IsWithin(int direction)
    {
        var timestamp = new WebhookTimestamp(Now + (direction * Tolerance));

        Assert.Equal(WebhookTimestampCheck.Within, timestamp.Check(Now, Tolerance));
        Assert.True(timestamp.IsWithin(Now, Tolerance));
    }

    [Fact]
    public void Check_OneTickOlderThanTheWindow_IsTooOld()
    {
        var timestamp = new WebhookTimestamp(Now - Tolerance - TimeSpan.FromTicks(1));

        Assert.Equal(WebhookTimestampCheck.TooOld, timestamp.Check(Now, Tolerance));
        Assert.False(timestamp.IsWithin(Now, Tolerance));
    }

    [Fact]
    public void Check_OneTickFurtherAheadThanTheWindow_IsTooFarAhead()
    {
        var timestamp = new WebhookTimestamp(Now + Tolerance + TimeSpan.FromTicks(1));

        Assert.Equal(WebhookTimestampCheck.TooFarAhead, timestamp.Check(Now, Tolerance));
        Assert.False(timestamp.IsWithin(Now, Tolerance));
    }

    [Fact]
    public void Check_TheGatewaysLastRetry_IsWithinTheDefaultWindow()
    {
        // Retries after 15 min, 24 h and 48 h, each with the first attempt's timestamp.
        var lastRetry = Now + TimeSpan.FromMinutes(15) + TimeSpan.FromHours(24) + TimeSpan.FromHours(48);

        Assert.Equal(WebhookTimestampCheck.Within, new WebhookTimestamp(Now).Check(lastRetry, WebhookTimestamp.DefaultTolerance));
    }

    [Theory]
    [InlineData("2015-01-01T00:00:00.000Z", WebhookTimestampCheck.TooOld)]
    [InlineData("2030-01-01T00:00:00.000Z", WebhookTimestampCheck.TooFarAhead)]
    [InlineData("1420070400000", WebhookTimestampCheck.TooOld)]
    [InlineData("1893456000000", WebhookTimestampCheck.TooFarAhead)]
    [InlineData("1795671000000", WebhookTimestampCheck.Within)]
    public void Check_ParsedText_AgainstNow(string text, WebhookTimestampCheck expected)
    {
        Assert.True(WebhookTimestamp.TryParse(text, out var timestamp));

        Assert.Equal(expected, timestamp.Check(Now, Tolerance));
    }

    [Fact]
    public void Check_ComparesInstantsWhateverTheOffset()
    {
        var timestamp = new WebhookTimestamp(Now.ToOffset(TimeSpan.FromHours(5.5)) - Tolerance);

        Assert.Equal(WebhookTimestampCheck.Within, timestamp.Check(Now, Tolerance));
    }

    [Fact]
    public void Check_NegativeTolerance_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookTimestamp(Now).Check(Now, TimeSpan.FromSeconds(-1)));
    }
}
