using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Client.Webhooks;

namespace FunctionApp.Tests.Infrastructure;

/// <summary>
/// Webhook bodies as the Gateway sends them (the order response plus checksum, timestamp and smallcaseAuthId),
/// signed with <see cref="WebhookChecksum.Sign"/>: one placed order, so the tracker moves on when it reads it.
/// Timestamped with the clock's now (the app's clock: the harness's simulator clock) unless a timestamp is given.
/// </summary>
public static class SignedWebhook
{
    public static string NewAuthId() => RandomNumberGenerator.GetHexString(24, lowercase: true);

    /// <summary>A timestamp as the Gateway writes it: ISO-8601 UTC with milliseconds.</summary>
    public static string Format(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <param name="clock">Supplies the timestamp when <paramref name="timestamp"/> is null.</param>
    /// <param name="timestamp">The timestamp's text as sent (and signed), e.g. <see cref="Format"/> of another instant or epoch milliseconds.</param>
    public static JsonObject Body(
        TimeProvider clock, string transactionId, string? notes, string smallcaseAuthId, string apiSecret = AppHarness.ApiSecret, string? timestamp = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        timestamp ??= Format(clock.GetUtcNow());
        var body = new JsonObject
        {
            ["transactionId"] = transactionId,
            ["broker"] = "kite",
            ["orderBatches"] = new JsonArray(new JsonObject
            {
                ["batchId"] = "611a21737f8bf5d33e986067",
                ["transactionId"] = transactionId,
                ["variety"] = "regular",
                ["quantity"] = 1,
                ["filled"] = 0,
                ["buyAmount"] = 0,
                ["sellAmount"] = 0,
                ["status"] = "PLACED",
                ["orders"] = new JsonArray(new JsonObject
                {
                    ["tradingsymbol"] = "RELIANCE",
                    ["transactionType"] = "BUY",
                    ["orderType"] = "MARKET",
                    ["product"] = "CNC",
                    ["exchange"] = "NSE",
                    ["status"] = "PLACED",
                    ["quantity"] = 2,
                    ["filledQuantity"] = 0,
                    ["averagePrice"] = 0,
                    ["exchangeOrderId"] = "1100000004830698",
                }),
                ["unplaced"] = new JsonArray(),
            }),
            ["timestamp"] = timestamp,
            ["smallcaseAuthId"] = smallcaseAuthId,
            ["checksum"] = WebhookChecksum.Sign(apiSecret, timestamp, smallcaseAuthId),
        };
        if (notes is not null)
        {
            body["notes"] = notes;
        }

        return body;
    }

    public static string Text(
        TimeProvider clock, string transactionId, string? notes, string smallcaseAuthId, string apiSecret = AppHarness.ApiSecret, string? timestamp = null) =>
        Body(clock, transactionId, notes, smallcaseAuthId, apiSecret, timestamp).ToJsonString();
}
