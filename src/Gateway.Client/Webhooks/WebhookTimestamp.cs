using System.Globalization;

namespace Gateway.Client.Webhooks;

/// <summary>Where a webhook's timestamp falls against the accepted window around now.</summary>
public enum WebhookTimestampCheck
{
    Within,
    TooOld,
    TooFarAhead,
}

/// <summary>
/// A webhook's <c>timestamp</c>, read from its text as sent: an ISO-8601 instant with a UTC designator or offset
/// (<c>2021-08-16T08:27:34.213Z</c>, as the Gateway documents it) or epoch milliseconds (<c>1629102454213</c>, a JSON
/// number or a string of digits). The checksum covers the timestamp, so a signed webhook cannot be moved in time; the
/// window bounds how long a captured one can be replayed. Pure: the caller supplies now.
/// </summary>
public readonly record struct WebhookTimestamp(DateTimeOffset Instant)
{
    /// <summary>
    /// The Gateway retries a failed delivery for up to 72 h 15 min (15 min, 24 h, 48 h) and every retry carries the
    /// first attempt's timestamp: the default window admits the last retry, with margin for clock skew.
    /// </summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromHours(73);

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    private static readonly decimal MinEpochMilliseconds = (DateTimeOffset.MinValue - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;
    private static readonly decimal MaxEpochMilliseconds = (DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;

    /// <summary>
    /// Reads the timestamp's text. An ISO-8601 string must carry its offset (<c>Z</c> or <c>±hh:mm</c>): a local time
    /// without one names no instant. Digits (an optional fraction allowed) are epoch milliseconds.
    /// </summary>
    public static bool TryParse(string? text, out WebhookTimestamp timestamp)
    {
        timestamp = default;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        if (char.IsAsciiDigit(text[0]) && !text.Contains('-', StringComparison.Ordinal))
        {
            if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var milliseconds)
                || milliseconds < MinEpochMilliseconds || milliseconds > MaxEpochMilliseconds)
            {
                return false;
            }

            timestamp = new WebhookTimestamp(DateTimeOffset.UnixEpoch.AddTicks((long)(milliseconds * TimeSpan.TicksPerMillisecond)));
            return true;
        }

        if (!HasOffset(text)
            || !DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return false;
        }

        timestamp = new WebhookTimestamp(instant);
        return true;
    }

    /// <summary>Whether the timestamp is at most <paramref name="tolerance"/> before or after <paramref name="now"/> (the edges included).</summary>
    public WebhookTimestampCheck Check(DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tolerance, TimeSpan.Zero);
        var age = now - Instant;
        return age > tolerance ? WebhookTimestampCheck.TooOld
            : -age > tolerance ? WebhookTimestampCheck.TooFarAhead
            : WebhookTimestampCheck.Within;
    }

    public bool IsWithin(DateTimeOffset now, TimeSpan tolerance) => Check(now, tolerance) == WebhookTimestampCheck.Within;

    /// <summary>The text ends in <c>Z</c> or in an offset <c>±hh:mm</c> after the time of day.</summary>
    private static bool HasOffset(string text)
    {
        if (text.EndsWith('Z'))
        {
            return true;
        }

        var time = text.IndexOf('T', StringComparison.Ordinal);
        return time > 0 && text.AsSpan(time).IndexOfAny('+', '-') > 0;
    }
}
