using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Client.Webhooks;

namespace Bench.Measures;

/// <summary>A transaction the app created, as the webhooks for it must name it.</summary>
public sealed record WebhookTarget(string TransactionId, string Notes, string SmallcaseAuthId);

/// <summary>
/// Webhook bodies as the Gateway sends them for a placed 3-stock basket: the order response plus timestamp,
/// smallcaseAuthId and checksum. Each sequence number gets its own timestamp (signed anew with
/// <see cref="WebhookChecksum.Sign"/>), so every body is distinct and the app stores each one. The timestamps start at
/// the clock's now when the bodies are made, so they stay inside the app's webhook timestamp window.
/// </summary>
public sealed class WebhookBodies
{
    private readonly string apiSecret;
    private readonly DateTimeOffset firstTimestamp;
    private readonly (string Head, string AuthId)[] templates;

    /// <param name="clock">The receiving app's clock: the first timestamp is its now.</param>
    public WebhookBodies(IReadOnlyList<WebhookTarget> targets, string apiSecret, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(clock);
        this.apiSecret = apiSecret;
        firstTimestamp = clock.GetUtcNow();
        templates = [.. targets.Select(t => (Head(t), t.SmallcaseAuthId))];
    }

    public static string NewAuthId() => RandomNumberGenerator.GetHexString(24, lowercase: true);

    /// <summary>The body for <paramref name="sequence"/>: targets in turn, the timestamp moving 1 ms per sequence number.</summary>
    public byte[] Body(long sequence)
    {
        var (head, authId) = templates[sequence % templates.Length];
        var timestamp = firstTimestamp.AddMilliseconds(sequence).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var checksum = WebhookChecksum.Sign(apiSecret, timestamp, authId);
        return Encoding.UTF8.GetBytes($$"""{{head}}"timestamp":"{{timestamp}}","smallcaseAuthId":"{{authId}}","checksum":"{{checksum}}"}""");
    }

    /// <summary>Everything before the timestamp: the order response of a placed basket (orders open, nothing filled).</summary>
    private static string Head(WebhookTarget target)
    {
        var id = JsonSerializer.Serialize(target.TransactionId);
        var orders = string.Join(',', new[] { ("RELIANCE", "BUY", 2), ("ITC", "SELL", 5), ("NIFTYBEES", "BUY", 10) }.Select((o, i) =>
            $$"""{"tradingsymbol":"{{o.Item1}}","transactionType":"{{o.Item2}}","orderType":"MARKET","product":"CNC","exchange":"NSE","status":"PLACED","quantity":{{o.Item3}},"filledQuantity":0,"averagePrice":0,"exchangeOrderId":"110000000483069{{i}}","errorCode":null,"statusMessage":null}"""));
        return $$"""{"transactionId":{{id}},"broker":"kite","notes":{{JsonSerializer.Serialize(target.Notes)}},"orderBatches":[{"batchId":"611a21737f8bf5d33e986067","transactionId":{{id}},"variety":"regular","quantity":3,"filled":0,"buyAmount":0,"sellAmount":0,"completedDate":null,"status":"PLACED","orders":[{{orders}}],"unplaced":[]}],""";
    }
}
