using Microsoft.DurableTask.Client;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Client.Json;
using Gateway.Client.Auth;
using Gateway.Client.Http;
using Gateway.Client.Orders;
using Gateway.Client.Sdk;
using Gateway.Client.Transactions;
using FunctionApp.Api;
using FunctionApp.Telemetry;
using FunctionApp.Tracking;
using FunctionApp.Webhooks;
using Transactions.Orchestration;
using Transactions.Storage;

namespace FunctionApp.Transactions;

/// <summary>
/// What the Gateway SDK returned to the app: the order response, or an error such as <c>user_cancelled</c>. The app
/// posts either the SDKs' envelope as they resolve it (<see cref="SdkResult"/>) or the order response itself with an
/// optional <c>error: { code, message }</c> (the shape this API took first).
/// </summary>
public sealed record SdkResultRequest : OrderResponse
{
    [JsonConverter(typeof(TransactionErrorConverter))]
    public TransactionError? Error { get; init; }

    /// <returns>False with <paramref name="error"/> when the body is neither shape.</returns>
    public static bool TryParse(byte[] body, out SdkResultRequest? result, out string? error)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            (result, error) = (null, "Malformed JSON.");
            return false;
        }

        if (!SdkResult.IsEnvelope(root))
        {
            return JsonBody.TryParse(body, GatewayJson.Options, out result, out error);
        }

        if (!SdkResult.TryRead<SdkResultRequest>(root, GatewayJson.Options, out var orders, out var sdkError, out error))
        {
            result = null;
            return false;
        }

        result = (orders ?? new SdkResultRequest()) with { Error = sdkError };
        return true;
    }
}

public enum SdkResultOutcome
{
    Recorded,
    NotFound,
    TransactionMismatch,
    Empty,
    TokenRejected,
    AuthIdOwnedByAnotherUser,
}

public sealed record SdkResultReceipt(SdkResultOutcome Outcome, TokenFailure TokenFailure = TokenFailure.None);

/// <summary>
/// Records what the app reports from the SDK: verifies the <c>smallcaseAuthToken</c> with the Secret, links its
/// smallcaseAuthId to the user (never to two users), and hands the orders to the tracker as a signal. The SDK result
/// runs on the user's device, so it never decides a final status on its own.
/// </summary>
public sealed class SdkResultIntake(
    TransactionStore transactions,
    UserLinkStore links,
    KnownAuthIdOwners owners,
    TransactionTracking tracking,
    IGatewaySecretSource secrets,
    TimeProvider clock)
{
    public async Task<SdkResultReceipt> RecordAsync(string userId, string transactionId, SdkResultRequest result, DurableTaskClient trackingClient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var stored = GatewayTransactionId.IsValid(transactionId) ? await transactions.GetAsync(transactionId, cancellationToken) : null;
        if (stored is null || !string.Equals(stored.Record.UserId, userId, StringComparison.Ordinal))
        {
            return new SdkResultReceipt(SdkResultOutcome.NotFound);
        }

        if (result.TransactionId is { Length: > 0 } named && !string.Equals(named, transactionId, StringComparison.Ordinal))
        {
            return new SdkResultReceipt(SdkResultOutcome.TransactionMismatch);
        }

        if (string.IsNullOrEmpty(result.SmallcaseAuthToken) && result.Error is null && result.OrderBatches.Count == 0)
        {
            return new SdkResultReceipt(SdkResultOutcome.Empty);
        }

        string? authId = null;
        if (!string.IsNullOrEmpty(result.SmallcaseAuthToken))
        {
            var verified = await new GatewayTokens((await secrets.GetAsync(cancellationToken)).Secret, clock).VerifyAsync(result.SmallcaseAuthToken);
            if (!verified.IsValid || verified.Claims!.SmallcaseAuthId is null)
            {
                return new SdkResultReceipt(SdkResultOutcome.TokenRejected, verified.IsValid ? TokenFailure.MissingIdentity : verified.Failure);
            }

            authId = verified.Claims.SmallcaseAuthId;
            var linked = await links.LinkAsync(userId, authId, result.Broker, cancellationToken);
            owners.Forget(authId);
            if (linked == LinkOutcome.LinkedToAnotherUser)
            {
                return new SdkResultReceipt(SdkResultOutcome.AuthIdOwnedByAnotherUser);
            }
        }

        // The token is a credential: it is verified above and not kept. The orders are not passed on: the tracker asks the Gateway.
        var signal = new TrackerSignal(TrackerSignalSource.SdkResult, VerifiedSmallcaseAuthId: authId, SdkError: result.Error);
        var dedupeKey = TransactionTracking.DedupeKey(JsonSerializer.SerializeToUtf8Bytes(new { transactionId, signal }, GatewayJson.Options));
        using var span = TransactionTrace.Start("sdk.result", stored.Record.TraceParent);
        await tracking.SignalOnceAsync(trackingClient, transactionId, signal with { TraceParent = TransactionTrace.Current }, dedupeKey, cancellationToken);
        return new SdkResultReceipt(SdkResultOutcome.Recorded);
    }
}
