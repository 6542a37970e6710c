using System.Text.Json;
using Azure;
using FunctionApp.Telemetry;
using Transactions.Contracts;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp.Tracking;

/// <summary>
/// Publishes the tracker's events for the platform's other services: <c>order.updated</c> for every stock-level
/// change and, once per transaction, <c>transaction.completed</c>, <c>.failed</c> or <c>.expired</c>. The events of a
/// state change are recorded in the transaction's outbox together with the change (under deterministic ids, so
/// re-applying an event after a 412 records the same ids), then sent as one message of
/// <see cref="CloudEventBatches.ContentType"/> (a JSON array of CloudEvents; split when it would not fit) and marked
/// published. Sending is at-least-once (a crash before the mark re-sends them), so consumers dedupe on the CloudEvents <c>id</c>.
/// </summary>
public sealed partial class OutcomePublisher(OutboxStore outbox, OutcomeLogStore log, StorageQueues queues, AppMetrics metrics, TimeProvider clock, ILogger<OutcomePublisher> logger)
{
    public const string FinalEventId = "final";

    private static TransactionOutcome ContractOutcome(TrackerOutcomeKind kind) => kind switch
    {
        TrackerOutcomeKind.Completed => TransactionOutcome.Completed,
        TrackerOutcomeKind.Failed => TransactionOutcome.Failed,
        TrackerOutcomeKind.Expired => TransactionOutcome.Expired,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a final outcome."),
    };

    /// <summary>
    /// The events a saved change records: one <c>order.updated</c> per stock change, named by the new state's version,
    /// then the outcome when the change is the one into a terminal phase. Empty when the change publishes nothing.
    /// </summary>
    public IReadOnlyList<OutboxEvent> EventsOf(string userId, TrackerDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var state = decision.State;
        var now = clock.GetUtcNow();
        var events = new List<OutboxEvent>(decision.StockChanges.Count + 1);
        foreach (var change in decision.StockChanges)
        {
            var data = new OrderUpdatedData(
                state.TransactionId,
                userId,
                change.Ticker,
                change.TransactionType.Value,
                change.NewStatus.Value,
                change.Quantity,
                change.FilledQuantity,
                change.BatchId,
                change.OldStatus?.Value);
            var eventId = $"order-v{state.Version}-{change.Ticker}-{change.TransactionType}-{change.BatchId ?? "nobatch"}";
            events.Add(Record(state, eventId, OutcomeEventTypes.OrderUpdated, data, now));
        }

        if (decision.Outcome is { } outcome)
        {
            var kind = ContractOutcome(outcome.Kind);
            var data = new TransactionOutcomeData(
                outcome.TransactionId,
                userId,
                kind,
                outcome.DecidedAt,
                [.. outcome.Orders.Stocks.Select(s => new OutcomeOrder(
                    s.Ticker, s.TransactionType.Value, s.Status.Value, s.Quantity, s.FilledQuantity, s.AveragePrice, s.BatchId, s.ErrorCode))],
                outcome.GatewayStatus?.Value,
                outcome.GatewayError is { } error ? new OutcomeError(error.Code, error.Message) : null,
                outcome.Broker);
            events.Add(Record(state, FinalEventId, OutcomeEventTypes.Of(kind), data, now));
        }

        return [.. events.DistinctBy(e => e.EventId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Sends the recorded events of one transaction, saved together, as one message (split only when it would not fit),
    /// oldest state change first, and marks them published in one entity-group transaction. When the sending fails the
    /// transaction is flagged (if storage lets it), so the outbox sweep sends them should every retry fail too.
    /// </summary>
    public async Task PublishAsync(string transactionId, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        var loggedAt = clock.GetUtcNow();
        try
        {
            // Logged before sending: an event a consumer received can always be read again.
            await log.AppendAsync(events, loggedAt, cancellationToken);
            foreach (var message in CloudEventBatches.ToMessages(events.OrderBy(e => e.StateVersion).Select(e => e.PayloadJson)))
            {
                await queues.SendAsync(QueueNames.TransactionOutcomes, message, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await FlagUnsentAsync(transactionId);
            throw;
        }

        metrics.OutcomesPublished(clock.GetUtcNow() - events.Min(e => e.CreatedAt));
        if (!await outbox.MarkPublishedAsync(transactionId, [.. events.Select(e => e.EventId)], loggedAt, cancellationToken))
        {
            Log.MarkFoundNoEvent(logger, transactionId);
        }
    }

    /// <summary>Sends what the transaction's earlier sendings left unsent, then clears its flag (<paramref name="flag"/>: the one read, or any).</summary>
    /// <returns>How many events were sent.</returns>
    public async Task<int> RepublishAsync(string transactionId, ETag flag, CancellationToken cancellationToken)
    {
        var unsent = await outbox.ListUnpublishedAsync(transactionId, cancellationToken);
        await PublishAsync(transactionId, unsent, cancellationToken);
        await outbox.ClearUnsentFlagAsync(transactionId, flag, cancellationToken);
        return unsent.Count;
    }

    /// <summary>
    /// Sends the events of transactions flagged at or before <paramref name="flaggedBefore"/> (their sending failed and
    /// the record activity's retries did not get through), at most <paramref name="maxTransactions"/>. Younger flags are
    /// left to those retries: sending them here too would deliver them twice.
    /// </summary>
    /// <returns>The transactions whose events were sent.</returns>
    public async Task<IReadOnlyList<string>> RepublishFlaggedAsync(int maxTransactions, DateTimeOffset flaggedBefore, CancellationToken cancellationToken)
    {
        var flags = await outbox.ListUnsentFlagsAsync(flaggedBefore, maxTransactions, cancellationToken);
        var sent = 0;
        foreach (var flag in flags)
        {
            sent += await RepublishAsync(flag.TransactionId, flag.ETag, cancellationToken);
        }

        metrics.OutcomesResent(sent);
        return [.. flags.Select(f => f.TransactionId)];
    }

    /// <summary>Best effort: when storage refuses this too, the record activity's next retry flags it again.</summary>
    private async Task FlagUnsentAsync(string transactionId)
    {
        try
        {
            using var limit = new CancellationTokenSource(OutcomeLogStore.AppendTimeLimit);
            await outbox.FlagUnsentAsync(transactionId, limit.Token);
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException)
        {
            Log.UnsentFlagFailed(logger, transactionId, e.GetType().Name);
        }
    }

    private static OutboxEvent Record<TData>(TrackedTransaction state, string eventId, string type, TData data, DateTimeOffset now)
        where TData : class
    {
        var envelope = new OutcomeEvent<TData>(
            "1.0",
            $"{state.TransactionId}/{eventId}",
            OutcomeEventTypes.Source,
            type,
            state.TransactionId,
            now,
            OutcomeEventTypes.DataContentType,
            data,
            TransactionTrace.Current);
        return new OutboxEvent(state.TransactionId, state.Version, eventId, type, JsonSerializer.Serialize(envelope, OutcomeEventJson.Options), now);
    }
}
