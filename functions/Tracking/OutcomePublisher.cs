using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Client.Json;
using Transactions.Storage;
using Transactions.Tracking;

namespace FunctionApp.Tracking;

/// <summary>A CloudEvents 1.0 JSON envelope, as published on <c>transaction-outcomes</c>.</summary>
public sealed record CloudEvent(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("data")] JsonElement Data);

/// <summary>
/// Publishes the tracker's events for the platform's other services: <c>order.updated</c> for every stock-level
/// change and, once per transaction, <c>transaction.completed</c>, <c>.failed</c> or <c>.expired</c>. Each event is
/// recorded in the outbox under a deterministic id before it is sent, so reprocessing never creates a second event;
/// sending is at-least-once, so consumers dedupe on the CloudEvents <c>id</c>.
/// </summary>
public sealed class OutcomePublisher(OutboxStore outbox, StorageQueues queues, TimeProvider clock)
{
    public const string Source = "/smallcase-gateway/transactions";
    public const string OrderUpdated = "order.updated";
    public const string FinalEventId = "final";

    public static string OutcomeType(TrackerOutcomeKind kind) => kind switch
    {
        TrackerOutcomeKind.Completed => "transaction.completed",
        TrackerOutcomeKind.Failed => "transaction.failed",
        TrackerOutcomeKind.Expired => "transaction.expired",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a final outcome."),
    };

    public async Task PublishStockChangesAsync(string userId, string transactionId, IReadOnlyList<PendingStockChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var (version, change) in changes)
        {
            var eventId = $"order-v{version}-{change.Ticker}-{change.TransactionType}-{change.BatchId ?? "nobatch"}";
            var data = new
            {
                transactionId,
                userId,
                batchId = change.BatchId,
                ticker = change.Ticker,
                transactionType = change.TransactionType,
                previousStatus = change.OldStatus,
                status = change.NewStatus,
                quantity = change.Quantity,
                filledQuantity = change.FilledQuantity,
            };
            await PublishAsync(transactionId, eventId, OrderUpdated, data, cancellationToken);
        }
    }

    public Task PublishOutcomeAsync(string userId, TrackerOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var data = new
        {
            transactionId = outcome.TransactionId,
            userId,
            outcome = outcome.Kind,
            decidedAt = outcome.DecidedAt,
            gatewayStatus = outcome.GatewayStatus,
            error = outcome.GatewayError,
            broker = outcome.Broker,
            orders = outcome.Orders.Stocks.Select(s => new
            {
                batchId = s.BatchId,
                ticker = s.Ticker,
                transactionType = s.TransactionType,
                status = s.Status,
                quantity = s.Quantity,
                filledQuantity = s.FilledQuantity,
                averagePrice = s.AveragePrice,
                errorCode = s.ErrorCode,
            }),
        };
        return PublishAsync(outcome.TransactionId, FinalEventId, OutcomeType(outcome.Kind), data, cancellationToken);
    }

    /// <summary>
    /// Sends the events recorded before <paramref name="recordedBefore"/> but never marked sent (a crash between
    /// recording and sending). Younger ones are left alone: their publisher is most likely still sending them, and
    /// sending them here too would deliver them twice.
    /// </summary>
    public async Task<int> RepublishPendingAsync(int maxEvents, DateTimeOffset recordedBefore, CancellationToken cancellationToken)
    {
        var pending = await outbox.ListAllUnpublishedAsync(maxEvents, cancellationToken);
        var stuck = pending.Where(recorded => recorded.CreatedAt <= recordedBefore).ToList();
        foreach (var recorded in stuck)
        {
            await SendAsync(recorded, cancellationToken);
        }

        return stuck.Count;
    }

    private async Task PublishAsync(string transactionId, string eventId, string type, object data, CancellationToken cancellationToken)
    {
        var envelope = new CloudEvent(
            "1.0",
            $"{transactionId}/{eventId}",
            Source,
            type,
            transactionId,
            clock.GetUtcNow(),
            "application/json",
            JsonSerializer.SerializeToElement(data, GatewayJson.Options));
        var recorded = new OutboxEvent(transactionId, eventId, type, JsonSerializer.Serialize(envelope, GatewayJson.Options), clock.GetUtcNow());
        if (await outbox.TryAddAsync(recorded, cancellationToken) == WriteOutcome.Written)
        {
            await SendAsync(recorded, cancellationToken);
        }
    }

    private async Task SendAsync(OutboxEvent recorded, CancellationToken cancellationToken)
    {
        await queues.SendAsync(QueueNames.TransactionOutcomes, recorded.PayloadJson, cancellationToken);
        await outbox.MarkPublishedAsync(recorded.TransactionId, recorded.EventId, cancellationToken);
    }
}
