using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Client.Webhooks;

namespace FunctionApp.Tests.Infrastructure;

/// <summary>
/// Webhook bodies as the Gateway sends them (the order response plus checksum, timestamp and smallcaseAuthId),
/// signed with <see cref="WebhookChecksum.Sign"/>: one placed order, so the tracker moves on when it reads it.
/// </summary>
public static class SignedWebhook
{
    public const string Timestamp = "2026-11-26T05:31:00.000Z";

    public static string NewAuthId() => RandomNumberGenerator.GetHexString(24, lowercase: true);

    public static JsonObject Body(string transactionId, string? notes, string smallcaseAuthId, string apiSecret = AppHarness.ApiSecret, string timestamp = Timestamp)
    {
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

    public static string Text(string transactionId, string? notes, string smallcaseAuthId, string apiSecret = AppHarness.ApiSecret) =>
        Body(transactionId, notes, smallcaseAuthId, apiSecret).ToJsonString();
}
