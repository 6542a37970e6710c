using System.Buffers;
using System.Text;
using System.Text.Json;
using Gateway.Client.Json;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Client.Webhooks;
using FunctionApp.Webhooks;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp.Tracking;

/// <summary>
/// An SDK result as the tracker receives it: the orders the app posted, with the smallcaseAuthId the endpoint verified
/// from its <c>smallcaseAuthToken</c> (the token itself is a credential and is not kept).
/// </summary>
public sealed record SdkResultEnvelope(OrderResponse? SdkResult, string? VerifiedSmallcaseAuthId, TransactionError? Error);

/// <summary>
/// On <c>tracker-events</c>: one verified hit for a transaction — a webhook's raw body or an SDK result — with its dedupe
/// key (SHA-256 of the body). The message itself is where the hit is stored until the tracker has applied it, so
/// acknowledging a hit costs one storage write. A body too large for a queue message is stored in the
/// <see cref="WebhookInbox"/> first and <see cref="Body"/> is then absent (a claim check).
/// </summary>
public sealed record TrackerSignalMessage(string TransactionId, string SignalKey, string Kind, JsonElement? Body)
{
    public const string Webhook = "webhook";
    public const string SdkResult = "sdkResult";
}

/// <summary>
/// Hands verified hits to the tracker: one <c>tracker-events</c> message each (see <see cref="TrackerSignalMessage"/>),
/// none for a hit this instance has handed over before.
/// </summary>
public sealed class TrackerSignals(StorageQueues queues, WebhookInbox inbox, HandedOverHits handedOver)
{
    /// <param name="rawBody">The webhook's body exactly as received (and already parsed: valid JSON).</param>
    /// <returns>False when this instance had already handed over the same bytes (nothing was written).</returns>
    public Task<bool> SendWebhookAsync(string transactionId, ReadOnlyMemory<byte> rawBody, CancellationToken cancellationToken) =>
        SendAsync(transactionId, TrackerSignalMessage.Webhook, rawBody, cancellationToken);

    /// <returns>False when this instance had already handed over the same result (nothing was written).</returns>
    public Task<bool> SendSdkResultAsync(string transactionId, SdkResultEnvelope envelope, CancellationToken cancellationToken) =>
        SendAsync(transactionId, TrackerSignalMessage.SdkResult, JsonSerializer.SerializeToUtf8Bytes(envelope, GatewayJson.Options), cancellationToken);

    /// <summary>The message text for a hit whose body is valid JSON; null when it would not fit in a queue message.</summary>
    public static string? MessageText(string transactionId, string kind, ReadOnlyMemory<byte> body, string signalKey)
    {
        var text = Write(transactionId, kind, signalKey, body);
        return Encoding.UTF8.GetByteCount(text) <= StorageQueues.MaxMessageBytes ? text : null;
    }

    private async Task<bool> SendAsync(string transactionId, string kind, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var signalKey = WebhookInbox.DedupeKey(body.Span);
        if (handedOver.Contains(signalKey))
        {
            return false;
        }

        var text = MessageText(transactionId, kind, body, signalKey);
        if (text is null)
        {
            await inbox.TryAddAsync(transactionId, body, cancellationToken).ConfigureAwait(false);
            text = Write(transactionId, kind, signalKey, body: null);
        }

        await queues.SendAsync(QueueNames.TrackerEvents, text, cancellationToken).ConfigureAwait(false);
        handedOver.Add(signalKey);
        return true;
    }

    /// <summary>The body goes in as it arrived (already parsed, so valid JSON): no re-serialisation, no second parse.</summary>
    private static string Write(string transactionId, string kind, string signalKey, ReadOnlyMemory<byte>? body)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (body?.Length ?? 0));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("transactionId", transactionId);
            writer.WriteString("signalKey", signalKey);
            writer.WriteString("kind", kind);
            if (body is { } raw)
            {
                writer.WritePropertyName("body");
                writer.WriteRawValue(raw.Span, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>Turns a <see cref="TrackerSignalMessage"/>'s body into the tracker event it carries.</summary>
public static class TrackerSignalPayload
{
    /// <summary>Null when the body is not the JSON its kind promises (it can never succeed: the caller logs and drops it).</summary>
    public static SignalReceived? ToTrackerEvent(string kind, JsonElement body)
    {
        try
        {
            if (body.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return kind switch
            {
                TrackerSignalMessage.Webhook => new WebhookReceived(body.Deserialize<GatewayWebhook>(GatewayJson.Options)!),
                TrackerSignalMessage.SdkResult when body.Deserialize<SdkResultEnvelope>(GatewayJson.Options) is { } envelope =>
                    new SdkResultReceived(envelope.SdkResult, envelope.VerifiedSmallcaseAuthId, envelope.Error),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
