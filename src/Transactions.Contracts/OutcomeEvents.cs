using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Transactions.Contracts;

/// <summary>
/// One event as the app publishes it on the <c>transaction-outcomes</c> queue: a CloudEvents 1.0 JSON envelope. A
/// queue message is a JSON array of them (<see cref="OutcomeEventTypes.BatchContentType"/>).
/// </summary>
/// <remarks>
/// A record of its own rather than <c>Azure.Messaging.CloudEvent</c> or the CNCF SDK's <c>CloudEvent</c>: a consumer
/// gets typed <c>data</c> and a schema with no dependency beyond the BCL, and the wire format stays plain CloudEvents
/// JSON, which either SDK reads (a test decodes the app's messages with the CNCF SDK).
/// </remarks>
[Description("A CloudEvents 1.0 event published by the smallcase Gateway transactions app.")]
public sealed record OutcomeEvent<TData>(
    [property: JsonPropertyName("specversion"), Description("Always 1.0.")] string SpecVersion,
    [property: JsonPropertyName("id"), Description("Unique per event and deterministic (transactionId/eventId): deduplicate on it, delivery is at-least-once.")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type"), Description("order.updated, transaction.completed, transaction.failed or transaction.expired.")] string Type,
    [property: JsonPropertyName("subject"), Description("The Gateway transaction id.")] string Subject,
    [property: JsonPropertyName("time"), Description("When the change was recorded.")] DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("data")] TData Data,
    [property: JsonPropertyName("traceparent"), Description("CloudEvents distributed tracing extension: the W3C trace context of the change that published the event, in the transaction's trace.")] string? TraceParent = null)
    where TData : class;

public static class OutcomeEventTypes
{
    public const string Source = "/smallcase-gateway/transactions";
    public const string DataContentType = "application/json";
    public const string BatchContentType = "application/cloudevents-batch+json";

    public const string OrderUpdated = "order.updated";
    public const string TransactionCompleted = "transaction.completed";
    public const string TransactionFailed = "transaction.failed";
    public const string TransactionExpired = "transaction.expired";

    /// <summary>Every event type, with its data's record.</summary>
    public static IReadOnlyDictionary<string, Type> DataTypes { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [OrderUpdated] = typeof(OrderUpdatedData),
        [TransactionCompleted] = typeof(TransactionOutcomeData),
        [TransactionFailed] = typeof(TransactionOutcomeData),
        [TransactionExpired] = typeof(TransactionOutcomeData),
    };

    public static string Of(TransactionOutcome outcome) => outcome switch
    {
        TransactionOutcome.Completed => TransactionCompleted,
        TransactionOutcome.Failed => TransactionFailed,
        TransactionOutcome.Expired => TransactionExpired,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not an outcome."),
    };
}

/// <summary><c>order.updated</c>: one stock's status or filled quantity changed.</summary>
[Description("One stock's status or filled quantity changed.")]
public sealed record OrderUpdatedData(
    string TransactionId,
    [property: Description("The platform's user id.")] string UserId,
    [property: Description("NSE symbol.")] string Ticker,
    [property: Description("BUY or SELL.")] string TransactionType,
    [property: Description("The Gateway's stock status: PLACED, ACKED, PARTIAL, COMPLETE, REJECTED, CANCELLED, CANCELLED AMO, ERROR, or another it introduces.")] string Status,
    int Quantity,
    [property: Description("Never decreases.")] int FilledQuantity,
    [property: Description("Absent until the Gateway names the order's batch.")] string? BatchId = null,
    [property: Description("Absent the first time the stock is seen.")] string? PreviousStatus = null);

/// <summary><c>transaction.completed</c>, <c>.failed</c> or <c>.expired</c>: the transaction's final result, once.</summary>
[Description("The transaction's final result, published once.")]
public sealed record TransactionOutcomeData(
    string TransactionId,
    [property: Description("The platform's user id.")] string UserId,
    TransactionOutcome Outcome,
    DateTimeOffset DecidedAt,
    [property: Description("Every stock's final state; empty when no order was placed.")] IReadOnlyList<OutcomeOrder> Orders,
    [property: Description("The Gateway's transaction status, e.g. COMPLETED or ERRORED.")] string? GatewayStatus = null,
    [property: Description("The Gateway's error of a failed or expired transaction, e.g. user_cancelled.")] OutcomeError? Error = null,
    string? Broker = null);

[JsonConverter(typeof(JsonStringEnumConverter<TransactionOutcome>))]
public enum TransactionOutcome
{
    Completed = 1,
    Failed,
    Expired,
}

public sealed record OutcomeError(string? Code = null, string? Message = null);

public sealed record OutcomeOrder(
    string Ticker,
    string TransactionType,
    string Status,
    int Quantity,
    int FilledQuantity,
    [property: Description("Average fill price in INR; 0 when nothing filled.")] decimal AveragePrice,
    string? BatchId = null,
    [property: Description("The broker's or Gateway's error code of a rejected or failed order.")] string? ErrorCode = null);
