using System.Text.Json.Serialization;
using Gateway.Client.Json;
using Gateway.Client.Orders;

namespace Gateway.Client.Webhooks;

/// <summary>
/// A webhook (postback) body: the order response plus the fields the checksum covers.
/// The checksum covers only <see cref="Timestamp"/> and <see cref="SmallcaseAuthId"/>, not the orders.
/// </summary>
public sealed record GatewayWebhook : OrderResponse
{
    public string? Checksum { get; init; }

    /// <summary>The timestamp's text exactly as sent (a number arrives as its JSON text).</summary>
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? Timestamp { get; init; }

    public string? SmallcaseAuthId { get; init; }
}
