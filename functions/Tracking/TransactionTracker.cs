using System.Text.Json;
using Gateway.Client.Auth;
using Gateway.Client.Http;
using Gateway.Client.Json;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Client.Webhooks;
using FunctionApp.Telemetry;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp.Tracking;

/// <summary>
/// Drives the tracker engine against storage: load the row, apply one event, write it back with its ETag (on 412
/// reload and re-apply), then publish, schedule, and poll the Gateway when the engine asks for it.
/// Every step is idempotent, so any message may be delivered twice and the process may die between any two steps.
/// </summary>
public sealed partial class TransactionTracker(
    TransactionStore transactions,
    WebhookInbox inbox,
    TrackerEngine engine,
    TrackerScheduler scheduler,
    OutcomePublisher publisher,
    IGatewayClient gateway,
    IGatewaySecretSource secrets,
    AppMetrics metrics,
    TimeProvider clock,
    ILogger<TransactionTracker> logger)
{
    private const int MaxConcurrencyRetries = 20;

    /// <summary>Cap of the random pause before re-applying after a 412, so racing writers spread out instead of colliding again.</summary>
    private static readonly TimeSpan MaxConflictBackoff = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Serialises the signals of one transaction within this process. Two webhooks that arrive together give two
    /// messages, often received in one batch: run at once, they would lose to each other on the ETag and re-read and
    /// re-apply. Striped, so memory stays bounded; across instances the ETag check still decides.
    /// </summary>
    private readonly SemaphoreSlim[] signalGates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>
    /// Applies one hit carried by a <c>tracker-events</c> message (its body inline, or in the inbox when it was too large
    /// for the message). A redelivered hit is recognised by its key (see <see cref="TrackedTransaction.AppliedSignals"/>),
    /// and re-applying one is harmless anyway: the merge is monotonic.
    /// </summary>
    public async Task ApplySignalAsync(TrackerSignalMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = message.Body;
        if (body is null && await inbox.GetAsync(message.TransactionId, message.SignalKey, cancellationToken) is { } stored)
        {
            using var document = JsonDocument.Parse(stored.Body);
            body = document.RootElement.Clone();
        }

        if (body is not { } payload || TrackerSignalPayload.ToTrackerEvent(message.Kind, payload) is not { } signal)
        {
            LogUnreadableSignal(logger, message.TransactionId, message.SignalKey);
            return;
        }

        var gate = signalGates[(int)((uint)StringComparer.Ordinal.GetHashCode(message.TransactionId) % (uint)signalGates.Length)];
        await gate.WaitAsync(cancellationToken);
        try
        {
            await ApplyAsync(message.TransactionId, signal with { SignalKey = message.SignalKey }, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A timer came due: chain it if it is early (7-day limit), else apply it and run any poll it asks for.</summary>
    public async Task FireTimerAsync(TrackerTimerMessage timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.DueAt > clock.GetUtcNow())
        {
            await scheduler.SendAsync(timer, cancellationToken);
            return;
        }

        var decision = await ApplyAsync(timer.TransactionId, new TimerFired(timer.Version), cancellationToken);
        if (decision is null)
        {
            return;
        }

        var poll = decision.NextAction.Kind switch
        {
            TrackerActionKind.PollTransactionDetails => PollTarget.TransactionDetails,
            TrackerActionKind.PollOrderDetails => PollTarget.OrderDetails,
            _ => (PollTarget?)null,
        };
        if (poll is { } target)
        {
            await ApplyAsync(timer.TransactionId, await PollAsync(decision.State, target, cancellationToken), cancellationToken);
        }
    }

    /// <summary>
    /// Applies one event with optimistic concurrency and carries out its effects. Null when the transaction is unknown.
    /// </summary>
    public async Task<TrackerDecision?> ApplyAsync(string transactionId, TrackerEvent trackerEvent, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxConcurrencyRetries; attempt++)
        {
            var stored = await transactions.GetAsync(transactionId, cancellationToken);
            if (stored is null)
            {
                LogUnknownTransaction(logger, transactionId, trackerEvent.Trigger);
                return null;
            }

            var state = TrackerStateJson.Deserialize(stored.Record.StateJson);
            var decision = engine.Apply(state, trackerEvent);
            if (decision.Ignored != TrackerIgnoreReason.None)
            {
                LogIgnored(logger, transactionId, trackerEvent.Trigger, decision.Ignored);
            }

            if (!decision.Changed)
            {
                await FinishPublicationAsync(stored, cancellationToken);
                return decision;
            }

            var written = await transactions.ReplaceAsync(ToRecord(stored.Record, decision.State), stored.ETag, cancellationToken);
            if (written.Outcome == WriteOutcome.Conflict)
            {
                await Task.Delay(ConflictBackoff(attempt), clock, cancellationToken);
                continue;
            }

            if (written.Outcome != WriteOutcome.Written)
            {
                LogUnknownTransaction(logger, transactionId, trackerEvent.Trigger);
                return null;
            }

            metrics.TrackerTransition(state.Phase.ToString(), decision.State.Phase.ToString());
            foreach (var conflict in decision.Conflicts)
            {
                LogConflict(logger, transactionId, conflict.Ticker, conflict.KeptStatus.Value, conflict.IgnoredStatus.Value);
            }

            await FinishPublicationAsync(new StoredTransaction(ToRecord(stored.Record, decision.State), written.ETag), cancellationToken);
            await scheduler.ScheduleAsync(decision.State, decision.NextAction, cancellationToken);
            return decision;
        }

        throw new InvalidOperationException($"Transaction {transactionId} kept changing under {MaxConcurrencyRetries} attempts; the message will be retried.");
    }

    /// <summary>
    /// Publishes the stock changes and the final outcome the saved state still holds, then clears them. The outbox
    /// gives every event a deterministic id, so publishing twice (after a crash, or by two racing processes) records
    /// each event once: one <c>order.updated</c> per change, exactly one outcome event per transaction.
    /// </summary>
    private async Task FinishPublicationAsync(StoredTransaction stored, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxConcurrencyRetries; attempt++)
        {
            var state = TrackerStateJson.Deserialize(stored.Record.StateJson);
            if (!state.HasUnpublishedEvents)
            {
                return;
            }

            await publisher.PublishStockChangesAsync(stored.Record.UserId, state.TransactionId, state.UnpublishedStockChanges, cancellationToken);
            var published = TrackerEngine.MarkStockChangesPublished(state);
            if (state.OutcomePublicationPending && TrackerOutcome.From(state) is { } outcome)
            {
                await publisher.PublishOutcomeAsync(stored.Record.UserId, outcome, cancellationToken);
                published = engine.MarkOutcomePublished(published);
            }

            var written = await transactions.ReplaceAsync(ToRecord(stored.Record, published), stored.ETag, cancellationToken);
            if (written.Outcome != WriteOutcome.Conflict)
            {
                return;
            }

            stored = await transactions.GetAsync(state.TransactionId, cancellationToken) ?? throw new InvalidOperationException("The transaction row vanished.");
        }
    }

    private async Task<PollResult> PollAsync(TrackedTransaction state, PollTarget target, CancellationToken cancellationToken)
    {
        var token = await TokenForAsync(state, cancellationToken);
        var started = clock.GetTimestamp();
        try
        {
            PollResult polled = target == PollTarget.OrderDetails
                ? new OrderDetailsPolled(await gateway.GetOrderDetailsAsync(state.TransactionId, token, cancellationToken)) { ForVersion = state.Version }
                : new TransactionDetailsPolled(await gateway.GetTransactionDetailsAsync(state.TransactionId, token, cancellationToken)) { ForVersion = state.Version };
            metrics.GatewayCall(target.ToString(), "ok", clock.GetElapsedTime(started));
            return polled;
        }
        catch (GatewayApiException ex)
        {
            metrics.GatewayCall(target.ToString(), ex.Kind.ToString(), clock.GetElapsedTime(started));
            LogPollFailed(logger, state.TransactionId, target, ex.Kind, (int?)ex.StatusCode);
            return new PollFailed(target, ex.StatusCode is { } status ? $"{ex.Kind} (HTTP {(int)status})" : ex.Kind.ToString()) { ForVersion = state.Version };
        }
    }

    /// <summary>Full jitter: a random pause up to 5 ms × 2^attempt, capped (the exponential back-off of optimistic concurrency).</summary>
    private static TimeSpan ConflictBackoff(int attempt)
    {
        var cap = Math.Min(MaxConflictBackoff.TotalMilliseconds, 5 * Math.Pow(2, attempt));
#pragma warning disable CA5394 // Spreading retries needs no cryptographic randomness.
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap);
#pragma warning restore CA5394
    }

    /// <summary>A connected token sees only its own transactions; before the user has logged in, a guest token.</summary>
    private async Task<string> TokenForAsync(TrackedTransaction state, CancellationToken cancellationToken)
    {
        var tokens = new GatewayTokens((await secrets.GetAsync(cancellationToken)).Secret, clock);
        return state.SmallcaseAuthId is { Length: > 0 } authId ? tokens.MintConnected(authId, TimeSpan.FromMinutes(5)) : tokens.MintGuest(TimeSpan.FromMinutes(5));
    }

    private TransactionRecord ToRecord(TransactionRecord current, TrackedTransaction state)
    {
        var now = clock.GetUtcNow();
        return current with
        {
            Status = state.Phase.ToString(),
            StateJson = TrackerStateJson.Serialize(state),
            // Events still to publish make the row due now, so the reconciler finds it if the process dies before
            // publishing; its timer then finds the state unchanged and publishes them.
            NextWakeAt = state.HasUnpublishedEvents ? now : state.NextWakeAt,
            Version = state.Version,
            UpdatedAt = now,
        };
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Tracker event {Trigger} for unknown transaction {TransactionId} dropped")]
    private static partial void LogUnknownTransaction(ILogger logger, string transactionId, TrackerTrigger trigger);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Tracker event {Trigger} for {TransactionId} ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string transactionId, TrackerTrigger trigger, TrackerIgnoreReason reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Order snapshot for {TransactionId} contradicted final data of {Ticker}: kept {Kept}, ignored {Ignored}")]
    private static partial void LogConflict(ILogger logger, string transactionId, string ticker, string kept, string ignored);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Gateway poll {Target} for {TransactionId} failed ({Kind}, HTTP {StatusCode}); backing off")]
    private static partial void LogPollFailed(ILogger logger, string transactionId, PollTarget target, GatewayFailureKind kind, int? statusCode);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Signal {SignalKey} of {TransactionId} is unreadable or gone; dropped")]
    private static partial void LogUnreadableSignal(ILogger logger, string transactionId, string signalKey);
}
