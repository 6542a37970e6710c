using Azure;
using Gateway.Client.Auth;
using Gateway.Client.Http;
using FunctionApp.Telemetry;
using Transactions.Orchestration;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp.Tracking;

/// <summary>
/// The work the tracking orchestration hands out: reading the Gateway with the platform's own credentials, and saving
/// a confirmed change on the transaction's row with the events it publishes. Both are idempotent, since an activity
/// may run more than once.
/// </summary>
public sealed partial class TrackingActivities(
    TransactionStore transactions,
    OutcomePublisher publisher,
    IGatewayClient gateway,
    IGatewaySecretSource secrets,
    AppMetrics metrics,
    TimeProvider clock,
    ILogger<TrackingActivities> logger)
{
    private const int MaxConcurrencyRetries = 5;

    /// <summary>One Gateway read. A Gateway failure is an answer (the engine backs off); anything else fails the activity.</summary>
    public async Task<GatewayReadResult> ReadGatewayAsync(GatewayReadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var span = TransactionTrace.Start("tracker.read", request.TraceParent);
        var tokens = new GatewayTokens((await secrets.GetAsync(cancellationToken)).Secret, clock);
        var token = request.SmallcaseAuthId is { Length: > 0 } authId ? tokens.MintConnected(authId, TimeSpan.FromMinutes(5)) : tokens.MintGuest(TimeSpan.FromMinutes(5));
        var started = clock.GetTimestamp();
        try
        {
            var result = request.Target == PollTarget.OrderDetails
                ? new GatewayReadResult(request.Target, Orders: await gateway.GetOrderDetailsAsync(request.TransactionId, token, cancellationToken))
                : new GatewayReadResult(request.Target, Transaction: await gateway.GetTransactionDetailsAsync(request.TransactionId, token, cancellationToken));
            metrics.GatewayCall(request.Target.ToString(), "ok", clock.GetElapsedTime(started));
            return result;
        }
        catch (GatewayApiException ex)
        {
            metrics.GatewayCall(request.Target.ToString(), ex.Kind.ToString(), clock.GetElapsedTime(started));
            Log.GatewayReadFailed(logger, request.TransactionId, request.Target, ex.Kind, (int?)ex.StatusCode);
            return GatewayReadResult.Failed(request.Target, ex.StatusCode is { } status ? $"{ex.Kind} (HTTP {(int)status})" : ex.Kind.ToString());
        }
    }

    /// <summary>
    /// Saves the change on the transaction's row together with its events (one entity-group transaction), then sends
    /// them. A row already at this version or newer was saved by an earlier run of this activity: only what is still
    /// unsent is sent. The activity completes once the events are sent, so a failure to send is retried.
    /// </summary>
    public async Task RecordChangeAsync(TrackerChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        using var span = TransactionTrace.Start("tracker.record", change.TraceParent);
        var state = change.State;
        for (var attempt = 1; attempt <= MaxConcurrencyRetries; attempt++)
        {
            if (await transactions.GetAsync(state.TransactionId, cancellationToken) is not { } stored)
            {
                Log.ChangeOfUnknownTransaction(logger, state.TransactionId);
                return;
            }

            if (stored.Record.Version >= state.Version)
            {
                await publisher.RepublishAsync(state.TransactionId, ETag.All, cancellationToken);
                return;
            }

            var decision = new TrackerDecision { State = state, Changed = true, StockChanges = change.StockChanges, Outcome = change.Outcome };
            var events = publisher.EventsOf(stored.Record.UserId, decision);
            var record = stored.Record with
            {
                Status = state.Phase.ToString(),
                StateJson = TrackerStateJson.Serialize(state),
                NextWakeAt = state.NextWakeAt,
                Version = state.Version,
                UpdatedAt = clock.GetUtcNow(),
            };
            var written = await transactions.ReplaceAsync(stored, record, events, cancellationToken);
            switch (written.Outcome)
            {
                case WriteOutcome.Written:
                    await publisher.PublishAsync(state.TransactionId, events, cancellationToken);
                    return;
                case WriteOutcome.NotFound:
                    Log.ChangeOfUnknownTransaction(logger, state.TransactionId);
                    return;
            }
        }

        throw new InvalidOperationException($"Transaction {state.TransactionId} kept changing under {MaxConcurrencyRetries} attempts; the activity will be retried.");
    }
}
