using Microsoft.DurableTask.Client;
using System.Text.Json;
using Gateway.Client.Auth;
using Gateway.Client.Http;
using Gateway.Client.Json;
using Gateway.Client.Webhooks;
using FunctionApp.Telemetry;
using FunctionApp.Tracking;
using Transactions.Orchestration;
using Transactions.Storage;

namespace FunctionApp.Webhooks;

public enum WebhookRejection
{
    None,
    Malformed,
    TooLarge,
    MissingTransactionId,
    BadChecksum,
    UnreadableTimestamp,
    TimestampOutsideWindow,
    UnknownTransaction,
    NotesMismatch,
    AuthIdOwnedByAnotherUser,
}

public sealed record WebhookReceipt(WebhookRejection Rejection, bool Duplicate = false, ChecksumFailure ChecksumFailure = ChecksumFailure.None)
{
    public bool Accepted => Rejection == WebhookRejection.None;
}

/// <summary>
/// Receives a Gateway webhook: verify, hand over, acknowledge. Handing over is raising a signal on the transaction's
/// tracking orchestration: one message, so an acknowledgement costs one storage write (the lookups behind the checks
/// are remembered per instance). Nothing is stored for a rejected hit; a storage failure propagates
/// (the endpoint answers 503 so the Gateway retries) and is never acknowledged.
/// </summary>
/// <remarks>
/// The checksum covers only timestamp + smallcaseAuthId, so the hit must also name a transaction we created, carry
/// that transaction's notes reference when it carries notes, and come from a smallcaseAuthId that no other user owns.
/// Even then its body is only a prompt: the tracker reads the Gateway and applies nothing from the body.
/// The signed timestamp must also be within <see cref="WebhookOptions.TimestampTolerance"/> of now, so a captured
/// webhook cannot be replayed after the Gateway itself would have stopped retrying it.
/// </remarks>
public sealed partial class WebhookIntake(
    IGatewaySecretSource secrets,
    KnownTransactions known,
    KnownAuthIdOwners owners,
    TransactionTracking tracking,
    WebhookOptions options,
    TimeProvider clock,
    AppMetrics metrics,
    ILogger<WebhookIntake> logger)
{
    /// <summary>The largest body accepted; the Gateway's are a few KiB.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public async Task<WebhookReceipt> ReceiveAsync(ReadOnlyMemory<byte> body, DurableTaskClient trackingClient, CancellationToken cancellationToken)
    {
        var receipt = await VerifyAndHandOverAsync(body, trackingClient, cancellationToken);
        metrics.WebhookReceived(receipt.Accepted ? (receipt.Duplicate ? "duplicate" : "accepted") : receipt.Rejection.ToString());
        // A timestamp rejection has its own entry, logged where it is decided.
        if (!receipt.Accepted && receipt.Rejection is not (WebhookRejection.UnreadableTimestamp or WebhookRejection.TimestampOutsideWindow))
        {
            Log.WebhookRejected(logger, receipt.Rejection, receipt.ChecksumFailure);
        }

        return receipt;
    }

    private async Task<WebhookReceipt> VerifyAndHandOverAsync(ReadOnlyMemory<byte> body, DurableTaskClient trackingClient, CancellationToken cancellationToken)
    {
        // JSON may start with a byte-order mark; without it the body embeds as a JSON value in the tracker's message.
        if (body.Span.StartsWith(Utf8Bom))
        {
            body = body[Utf8Bom.Length..];
        }

        if (body.Length > MaxBodyBytes)
        {
            return new WebhookReceipt(WebhookRejection.TooLarge);
        }

        GatewayWebhook? webhook;
        try
        {
            webhook = JsonSerializer.Deserialize<GatewayWebhook>(body.Span, GatewayJson.Options);
        }
        catch (JsonException)
        {
            return new WebhookReceipt(WebhookRejection.Malformed);
        }

        if (webhook is null)
        {
            return new WebhookReceipt(WebhookRejection.Malformed);
        }

        var checksum = WebhookChecksum.Verify(webhook, (await secrets.GetAsync(cancellationToken)).WebhookKeys);
        if (checksum != ChecksumFailure.None)
        {
            return new WebhookReceipt(WebhookRejection.BadChecksum, ChecksumFailure: checksum);
        }

        // Checked once the checksum holds, so what is logged is the signed timestamp; before any storage lookup.
        if (!WebhookTimestamp.TryParse(webhook.Timestamp, out var timestamp))
        {
            Log.WebhookTimestampUnreadable(logger, webhook.Timestamp?.Length ?? 0);
            return new WebhookReceipt(WebhookRejection.UnreadableTimestamp);
        }

        var now = clock.GetUtcNow();
        var window = timestamp.Check(now, options.TimestampTolerance);
        if (window != WebhookTimestampCheck.Within)
        {
            Log.WebhookTimestampOutsideWindow(logger, window, timestamp.Instant, now, options.TimestampTolerance);
            return new WebhookReceipt(WebhookRejection.TimestampOutsideWindow);
        }

        if (string.IsNullOrEmpty(webhook.TransactionId))
        {
            return new WebhookReceipt(WebhookRejection.MissingTransactionId);
        }

        // An id the Gateway could never have issued is not looked up (nor can it break a table key).
        if (!GatewayTransactionId.IsValid(webhook.TransactionId))
        {
            return new WebhookReceipt(WebhookRejection.UnknownTransaction);
        }

        // The two lookups are independent: run them together, so the hit is acknowledged one storage round trip sooner.
        var identityLookup = known.GetAsync(webhook.TransactionId, cancellationToken);
        var ownerLookup = owners.GetOwnerAsync(webhook.SmallcaseAuthId!, cancellationToken);
        await Task.WhenAll(identityLookup, ownerLookup);
        if (await identityLookup is not { } identity)
        {
            return new WebhookReceipt(WebhookRejection.UnknownTransaction);
        }

        if (!string.IsNullOrEmpty(webhook.Notes) && !string.Equals(webhook.Notes, identity.NotesRef, StringComparison.Ordinal))
        {
            return new WebhookReceipt(WebhookRejection.NotesMismatch);
        }

        var owner = await ownerLookup;
        if (owner is not null && !string.Equals(owner, identity.UserId, StringComparison.Ordinal))
        {
            return new WebhookReceipt(WebhookRejection.AuthIdOwnedByAnotherUser);
        }

        using var span = TransactionTrace.Start("gateway.webhook", identity.TraceParent);
        var signal = TrackerSignal.FromWebhook(webhook) with { TraceParent = TransactionTrace.Current };
        var handedOver = await tracking.SignalOnceAsync(trackingClient, webhook.TransactionId, signal, TransactionTracking.DedupeKey(body.Span), cancellationToken);
        metrics.WebhookLag(clock.GetUtcNow() - timestamp.Instant);
        return new WebhookReceipt(WebhookRejection.None, Duplicate: !handedOver);
    }
}
