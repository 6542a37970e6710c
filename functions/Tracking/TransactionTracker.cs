using System.Text.Json;
using Azure;
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
/// Drives the tracker engine against storage: load the row, apply one event, write it back with its ETag together
/// with the events the change publishes (one entity-group transaction; on 412 reload and re-apply), then send those
/// events, schedule the next wake-up (or run it at once when it is already due), and poll the Gateway when the engine
/// asks for it. Every step is idempotent, so any message may be delivered twice and the process may die between any
/// two steps: unsent events are swept by the reconciler, and an overdue NextWakeAt is re-armed by it.
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

    /// <summary>How many already-due wake-ups may run one after another before the next one goes through the queue.</summary>
    private const int MaxInlineWakeUps = 3;

    /// <summary>Cap of the random pause before re-applying after a 412, so racing writers spread out instead of colliding again.</summary>
    private static readonly TimeSpan MaxConflictBackoff = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Serialises the signals of one transaction within this process. Two webhooks that arrive together give two
    /// messages, often received in one batch: run at once, they would lose to each other on the ETag and re-read and
    /// re-apply. Striped, so memory stays bounded; across instances the ETag check still decides.
    /// </summary>
    private readonly SemaphoreSlim[] signalGates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>
    /// Signals waiting for their transaction's gate. Whoever holds the gate applies all of them together (one read, one
    /// write, one message of events; each still its own state version), e.g. the "placed" and "completed" webhooks of an
    /// order filled at once;
    /// each waiting invocation completes only when that write has succeeded, and fails with it.
    /// </summary>
    private readonly Dictionary<string, List<PendingSignal>> pendingSignals = new(StringComparer.Ordinal);

    private sealed record PendingSignal(SignalReceived Signal)
    {
        public TaskCompletionSource Applied { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

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

        var mine = new PendingSignal(signal with { SignalKey = message.SignalKey });
        lock (pendingSignals)
        {
            if (!pendingSignals.TryGetValue(message.TransactionId, out var waiting))
            {
                pendingSignals[message.TransactionId] = waiting = [];
            }

            waiting.Add(mine);
        }

        // Messages received in one batch are started one after another; yielding once lets the others join this one.
        await Task.Yield();
        var gate = signalGates[(int)((uint)StringComparer.Ordinal.GetHashCode(message.TransactionId) % (uint)signalGates.Length)];
        await gate.WaitAsync(cancellationToken);
        try
        {
            await ApplyPendingAsync(message.TransactionId, cancellationToken);
        }
        finally
        {
            gate.Release();
        }

        // Applied by this invocation or by the one that held the gate before it.
        await mine.Applied.Task.WaitAsync(cancellationToken);
    }

    private async Task ApplyPendingAsync(string transactionId, CancellationToken cancellationToken)
    {
        List<PendingSignal>? batch;
        lock (pendingSignals)
        {
            pendingSignals.Remove(transactionId, out batch);
        }

        if (batch is null)
        {
            return;
        }

        try
        {
            await ApplyAsync(transactionId, [.. batch.Select(pending => (TrackerEvent)pending.Signal)], loaded: null, inlineWakeUps: 0, cancellationToken);
            batch.ForEach(pending => pending.Applied.TrySetResult());
        }
        catch (OperationCanceledException)
        {
            batch.ForEach(pending => pending.Applied.TrySetCanceled(cancellationToken));
        }
        catch (Exception e)
        {
            batch.ForEach(pending => pending.Applied.TrySetException(e));
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

        var stored = await transactions.GetAsync(timer.TransactionId, cancellationToken);
        if (stored is null)
        {
            LogUnknownTransaction(logger, timer.TransactionId, TrackerTrigger.TimerFired);
            return;
        }

        await WakeAsync(stored, new TimerFired(timer.Version), inlineWakeUps: 0, cancellationToken);
    }

    /// <summary>
    /// Applies one event with optimistic concurrency and carries out its effects. Null when the transaction is unknown.
    /// </summary>
    public Task<TrackerDecision?> ApplyAsync(string transactionId, TrackerEvent trackerEvent, CancellationToken cancellationToken) =>
        ApplyAsync(transactionId, [trackerEvent], loaded: null, inlineWakeUps: 0, cancellationToken);

    /// <summary>
    /// Applies the events, in order, to <paramref name="loaded"/> (when given: a row already read or just written) or to a
    /// fresh read; after a 412 it reloads and re-applies. Whatever they change is saved in one write together with the
    /// events it publishes, then the events are sent and the next wake-up is scheduled (or run at once when it is
    /// already due). Returns the decision of the last event that changed the state (or of the last event).
    /// </summary>
    private async Task<TrackerDecision?> ApplyAsync(
        string transactionId, IReadOnlyList<TrackerEvent> trackerEvents, StoredTransaction? loaded, int inlineWakeUps, CancellationToken cancellationToken)
    {
        var stored = loaded;
        for (var attempt = 1; attempt <= MaxConcurrencyRetries; attempt++)
        {
            stored ??= await transactions.GetAsync(transactionId, cancellationToken);
            if (stored is null)
            {
                LogUnknownTransaction(logger, transactionId, trackerEvents[0].Trigger);
                return null;
            }

            var state = TrackerStateJson.Deserialize(stored.Record.StateJson);
            var decisions = new List<TrackerDecision>(trackerEvents.Count);
            var current = state;
            foreach (var trackerEvent in trackerEvents)
            {
                var decision = engine.Apply(current, trackerEvent);
                if (decision.Ignored != TrackerIgnoreReason.None)
                {
                    LogIgnored(logger, transactionId, trackerEvent.Trigger, decision.Ignored);
                }

                if (decision.ForeignSmallcaseAuthId && attempt == 1)
                {
                    metrics.ForeignSmallcaseAuthId(trackerEvent.Trigger.ToString());
                    LogForeignSmallcaseAuthId(logger, transactionId, trackerEvent.Trigger);
                }

                decisions.Add(decision);
                current = decision.State;
            }

            var changes = decisions.Where(d => d.Changed).ToList();
            if (changes.Count == 0)
            {
                return decisions[^1];
            }

            var last = changes[^1];
            var record = ToRecord(stored.Record, last.State);
            IReadOnlyList<OutboxEvent> events = [.. changes.SelectMany(change => publisher.EventsOf(record.UserId, change))];
            if (events.Count >= OutboxStore.MaxBatchOperations && trackerEvents.Count > 1)
            {
                // Too many events for one entity-group transaction: one change at a time.
                TrackerDecision? result = null;
                foreach (var trackerEvent in trackerEvents)
                {
                    result = await ApplyAsync(transactionId, [trackerEvent], loaded: null, inlineWakeUps, cancellationToken) ?? result;
                }

                return result;
            }

            var written = await transactions.ReplaceAsync(stored, record, events, cancellationToken);
            if (written.Outcome == WriteOutcome.Conflict)
            {
                await Task.Delay(ConflictBackoff(attempt), clock, cancellationToken);
                stored = null;
                continue;
            }

            if (written.Outcome != WriteOutcome.Written)
            {
                LogUnknownTransaction(logger, transactionId, trackerEvents[0].Trigger);
                return null;
            }

            var from = state.Phase;
            foreach (var change in changes)
            {
                metrics.TrackerTransition(from.ToString(), change.State.Phase.ToString());
                from = change.State.Phase;
                foreach (var conflict in change.Conflicts)
                {
                    LogConflict(logger, transactionId, conflict.Ticker, conflict.KeptStatus.Value, conflict.IgnoredStatus.Value);
                }
            }

            await PublishAsync(transactionId, events, cancellationToken);
            await ContinueAsync(new StoredTransaction(record, written.ETag), last, inlineWakeUps, cancellationToken);
            return last;
        }

        throw new InvalidOperationException($"Transaction {transactionId} kept changing under {MaxConcurrencyRetries} attempts; the message will be retried.");
    }

    /// <summary>
    /// Sends the events just saved. If storage fails here they stay unpublished in the outbox and the reconciler
    /// sends them once they are <see cref="TrackerReconcilerFunction.LostAfter"/> old; the change itself is saved,
    /// so the tracker carries on.
    /// </summary>
    private async Task PublishAsync(string transactionId, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            await publisher.PublishAsync(transactionId, events, cancellationToken);
        }
        catch (RequestFailedException e)
        {
            LogPublicationDeferred(logger, transactionId, events.Count, e);
        }
    }

    /// <summary>
    /// Acts on a saved decision's next action: a wake-up that is already due runs here, on the row just written (a few
    /// in a row at most); a later one becomes a timer message. If the process dies before the wake-up runs, the row's
    /// NextWakeAt is overdue and the reconciler re-arms it.
    /// </summary>
    private async Task ContinueAsync(StoredTransaction saved, TrackerDecision decision, int inlineWakeUps, CancellationToken cancellationToken)
    {
        var action = decision.NextAction;
        if (action.Kind != TrackerActionKind.Wake)
        {
            return;
        }

        if (action.At > clock.GetUtcNow() || inlineWakeUps >= MaxInlineWakeUps)
        {
            await scheduler.ScheduleAsync(decision.State, action, cancellationToken);
            return;
        }

        await WakeAsync(saved, new TimerFired(decision.State.Version), inlineWakeUps + 1, cancellationToken);
    }

    /// <summary>
    /// Applies a timer to the row as read (a timer never changes the state) and runs the poll it asks for; the poll's
    /// result is applied to the same row and ETag, re-read only if another writer got there first.
    /// </summary>
    private async Task WakeAsync(StoredTransaction stored, TimerFired fired, int inlineWakeUps, CancellationToken cancellationToken)
    {
        var state = TrackerStateJson.Deserialize(stored.Record.StateJson);
        var decision = engine.Apply(state, fired);
        if (decision.Ignored != TrackerIgnoreReason.None)
        {
            LogIgnored(logger, state.TransactionId, fired.Trigger, decision.Ignored);
        }

        var poll = decision.NextAction.Kind switch
        {
            TrackerActionKind.PollTransactionDetails => PollTarget.TransactionDetails,
            TrackerActionKind.PollOrderDetails => PollTarget.OrderDetails,
            _ => (PollTarget?)null,
        };
        if (poll is { } target)
        {
            await ApplyAsync(state.TransactionId, [await PollAsync(state, target, cancellationToken)], stored, inlineWakeUps, cancellationToken);
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

    private TransactionRecord ToRecord(TransactionRecord current, TrackedTransaction state) => current with
    {
        Status = state.Phase.ToString(),
        StateJson = TrackerStateJson.Serialize(state),
        NextWakeAt = state.NextWakeAt,
        Version = state.Version,
        UpdatedAt = clock.GetUtcNow(),
    };

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Tracker event {Trigger} for unknown transaction {TransactionId} dropped")]
    private static partial void LogUnknownTransaction(ILogger logger, string transactionId, TrackerTrigger trigger);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Tracker event {Trigger} for {TransactionId} ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string transactionId, TrackerTrigger trigger, TrackerIgnoreReason reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Order snapshot for {TransactionId} contradicted final data of {Ticker}: kept {Kept}, ignored {Ignored}")]
    private static partial void LogConflict(ILogger logger, string transactionId, string ticker, string kept, string ignored);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Gateway poll {Target} for {TransactionId} failed ({Kind}, HTTP {StatusCode}); backing off")]
    private static partial void LogPollFailed(ILogger logger, string transactionId, PollTarget target, GatewayFailureKind kind, int? statusCode);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "{Count} events of {TransactionId} are saved but not sent; the reconciler sends them")]
    private static partial void LogPublicationDeferred(ILogger logger, string transactionId, int count, Exception exception);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "{Trigger} for {TransactionId} named a smallcaseAuthId other than the one the Gateway confirmed; used only as a prompt to read the Gateway")]
    private static partial void LogForeignSmallcaseAuthId(ILogger logger, string transactionId, TrackerTrigger trigger);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Signal {SignalKey} of {TransactionId} is unreadable or gone; dropped")]
    private static partial void LogUnreadableSignal(ILogger logger, string transactionId, string signalKey);
}
