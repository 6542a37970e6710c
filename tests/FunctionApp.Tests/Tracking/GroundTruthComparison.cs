using System.Globalization;
using System.Text.Json;
using Gateway.Simulator.Engine;
using Transactions.Contracts;

namespace FunctionApp.Tests.Tracking;

/// <summary>
/// One CloudEvent read from the <c>transaction-outcomes</c> queue, whose messages are in the CloudEvents JSON batch
/// format (<c>application/cloudevents-batch+json</c>: an array of events).
/// </summary>
public sealed record OutcomeEvent(string Id, string Type, string Subject, JsonElement Data, string? TraceParent = null)
{
    public const string OrderUpdated = "order.updated";

    public bool IsFinal => Type.StartsWith("transaction.", StringComparison.Ordinal);

    /// <summary>The events of one queue message; throws unless it is a non-empty JSON array of CloudEvents.</summary>
    public static IReadOnlyList<OutcomeEvent> ParseBatch(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
        {
            throw new FormatException($"An outcomes message is not a non-empty JSON array of CloudEvents: {json}");
        }

        return [.. document.RootElement.EnumerateArray().Select(Parse)];
    }

    /// <summary>Reads one event; throws unless it is a known type whose envelope and data have every field its contract record requires.</summary>
    private static OutcomeEvent Parse(JsonElement cloudEvent)
    {
        var type = cloudEvent.GetProperty("type").GetString()!;
        if (!OutcomeEventTypes.DataTypes.TryGetValue(type, out var dataType))
        {
            throw new FormatException($"An outcomes message holds an event of unknown type '{type}'.");
        }

        _ = cloudEvent.Deserialize(typeof(OutcomeEvent<>).MakeGenericType(dataType), OutcomeEventJson.Options);
        return new(
            cloudEvent.GetProperty("id").GetString()!,
            type,
            cloudEvent.GetProperty("subject").GetString()!,
            cloudEvent.GetProperty("data").Clone(),
            cloudEvent.TryGetProperty("traceparent", out var traceParent) ? traceParent.GetString() : null);
    }
}

/// <summary>An event delivered more than once; <see cref="ExtraCopies"/> counts the deliveries beyond the first.</summary>
public sealed record DuplicateEvent(string Description, int ExtraCopies);

/// <summary>
/// Compares what the app shows and publishes with the simulator's ground truth. Returns the differences as text
/// (empty when they agree), so tests assert on it and the soak counts it.
/// </summary>
public static class GroundTruthComparison
{
    /// <summary>
    /// The tracker status a finished simulator transaction implies: COMPLETED → Completed, ERRORED → Failed (Expired
    /// when the flow ended in <c>transaction_expired</c>: time ran out or the order window was refreshed), and a flow left
    /// INITIALIZED or USED → Expired (the Gateway has no expired status). Null while orders are open.
    /// </summary>
    public static string? ExpectedStatus(TransactionTruth truth)
    {
        ArgumentNullException.ThrowIfNull(truth);
        return truth.Status.Value switch
        {
            "COMPLETED" => "Completed",
            "ERRORED" => truth.Error?.Code == "transaction_expired" ? "Expired" : "Failed",
            "INITIALIZED" or "USED" => "Expired",
            _ => null,
        };
    }

    /// <summary>The differences between the app's <c>GET /api/transactions/{id}</c> body and the ground truth.</summary>
    public static IReadOnlyList<string> CompareView(JsonElement view, TransactionTruth truth)
    {
        ArgumentNullException.ThrowIfNull(truth);
        var problems = new List<string>();
        var expected = ExpectedStatus(truth);
        Expect(problems, "status", expected ?? $"(not final: Gateway says {truth.Status.Value})", view.GetProperty("status").GetString());
        Expect(problems, "final", "True", view.GetProperty("final").GetBoolean().ToString());
        Expect(problems, "gatewayStatus", truth.Status.Value, Text(view, "gatewayStatus"));
        Expect(problems, "error", truth.Error?.Code, view.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object ? Text(error, "code") : null);
        ExpectSame(problems, "batch", TruthBatches(truth), ViewBatches(view));
        ExpectSame(problems, "stock", TruthStocks(truth).Select(StockLine), ViewStocks(view));
        return problems;
    }

    /// <summary>
    /// The differences between the events published for one transaction and the ground truth: exactly one
    /// <c>transaction.*</c> event of the expected type whose orders are the truth's, no event delivered twice, and for
    /// every stock an <c>order.updated</c> event with its final status, none of them repeated, and none with a status
    /// the Gateway never confirmed.
    /// </summary>
    public static IReadOnlyList<string> CompareEvents(IReadOnlyList<OutcomeEvent> events, TransactionTruth truth)
    {
        ArgumentNullException.ThrowIfNull(truth);
        return [.. Duplicates(events, truth.TransactionId).Select(d => d.Description), .. CompareEventContent(events, truth)];
    }

    /// <summary>
    /// Events of the transaction delivered more than once: the same id twice, or the same stock change under two ids.
    /// Consumers dedupe on the id, but the contract is one event per change and one final event per transaction.
    /// </summary>
    public static IReadOnlyList<DuplicateEvent> Duplicates(IReadOnlyList<OutcomeEvent> events, string transactionId)
    {
        ArgumentNullException.ThrowIfNull(events);
        var mine = events.Where(e => e.Subject == transactionId).ToList();
        var sameId = mine.GroupBy(e => e.Id)
            .Where(g => g.Count() > 1)
            .Select(g => new DuplicateEvent($"event {g.Key} delivered {g.Count()} times", g.Count() - 1));
        var sameChange = mine.Where(e => e.Type == OutcomeEvent.OrderUpdated)
            .DistinctBy(e => e.Id)
            .GroupBy(e => UpdateLine(e.Data))
            .Where(g => g.Count() > 1)
            .Select(g => new DuplicateEvent($"order.updated '{g.Key}' published under {g.Count()} ids", g.Count() - 1));
        return [.. sameId, .. sameChange];
    }

    /// <summary>The event differences other than duplicates; the first names a missing final event, if it is missing.</summary>
    public static IReadOnlyList<string> CompareEventContent(IReadOnlyList<OutcomeEvent> events, TransactionTruth truth)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(truth);
        var problems = new List<string>();
        var mine = events.Where(e => e.Subject == truth.TransactionId).DistinctBy(e => e.Id).ToList();
        var expected = ExpectedStatus(truth);
        var expectedType = expected is null ? "(none: not final)" : "transaction." + expected.ToLowerInvariant();
        var finals = mine.Where(e => e.IsFinal).ToList();
        if (finals.Count == 0)
        {
            problems.Add($"{MissingFinalEvent}, expected {expectedType}");
        }

        foreach (var final in finals)
        {
            Expect(problems, "final event type", expectedType, final.Type);
            Expect(problems, "final event id", $"{truth.TransactionId}/final", final.Id);
            ExpectSame(problems, "final event order", TruthStocks(truth).Select(StockSummary), EventOrders(final.Data));
        }

        var updates = mine.Where(e => e.Type == OutcomeEvent.OrderUpdated).Select(e => UpdateLine(e.Data)).ToHashSet(StringComparer.Ordinal);
        var confirmed = TruthStocks(truth).Select(StockSummary).ToHashSet(StringComparer.Ordinal);
        foreach (var stock in confirmed.Where(stock => !updates.Contains(stock)))
        {
            problems.Add($"no order.updated for the final state '{stock}'");
        }

        // Order details, the only source of stock data, answer only once the transaction is COMPLETED: anything else
        // came from an unconfirmed webhook or SDK result.
        foreach (var update in updates.Where(update => !confirmed.Contains(update)))
        {
            problems.Add($"order.updated '{update}' is not a state the Gateway confirmed");
        }

        return problems;
    }

    public const string MissingFinalEvent = "no final event";

    private static void Expect(List<string> problems, string what, string? expected, string? actual)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            problems.Add($"{what}: expected '{expected ?? "null"}', app has '{actual ?? "null"}'");
        }
    }

    private static void ExpectSame(List<string> problems, string what, IEnumerable<string> expected, IEnumerable<string> actual)
    {
        var missing = expected.Order(StringComparer.Ordinal).ToList();
        var extra = new List<string>();
        foreach (var line in actual)
        {
            if (!missing.Remove(line))
            {
                extra.Add(line);
            }
        }

        problems.AddRange(missing.Select(line => $"{what} missing in the app: {line}"));
        problems.AddRange(extra.Select(line => $"{what} only in the app: {line}"));
    }

    private sealed record Stock(string? BatchId, string Ticker, string Side, string Status, int Filled, int Quantity, decimal AveragePrice, string? ErrorCode, bool Unplaced);

    private static IEnumerable<Stock> TruthStocks(TransactionTruth truth) =>
        truth.Orders.OrderBatches.SelectMany(batch =>
            batch.Orders.Select(o => (Order: o, Unplaced: false))
                .Concat(batch.Unplaced.Select(o => (Order: o, Unplaced: true)))
                .Select(x => new Stock(
                    batch.BatchId, x.Order.Tradingsymbol, x.Order.TransactionType.Value, x.Order.Status.Value, x.Order.FilledQuantity,
                    x.Order.Quantity, x.Order.AveragePrice, x.Order.ErrorCode, x.Unplaced)));

    private static IEnumerable<string> ViewStocks(JsonElement view) =>
        view.GetProperty("batches").EnumerateArray().SelectMany(batch => batch.GetProperty("orders").EnumerateArray().Select(o => StockLine(new Stock(
            Text(batch, "batchId"),
            Text(o, "ticker")!,
            Text(o, "transactionType")!,
            Text(o, "status")!,
            o.GetProperty("filledQuantity").GetInt32(),
            o.GetProperty("quantity").GetInt32(),
            o.GetProperty("averagePrice").GetDecimal(),
            Text(o, "errorCode"),
            o.GetProperty("unplaced").GetBoolean()))));

    private static IEnumerable<string> TruthBatches(TransactionTruth truth) =>
        truth.Orders.OrderBatches.Select(b => BatchLine(b.BatchId, b.Status.Value, b.Filled, b.Quantity, b.BuyAmount, b.SellAmount, b.CompletedDate));

    private static IEnumerable<string> ViewBatches(JsonElement view) =>
        view.GetProperty("batches").EnumerateArray().Select(b => BatchLine(
            Text(b, "batchId"),
            Text(b, "status"),
            b.GetProperty("filled").GetInt32(),
            b.GetProperty("quantity").GetInt32(),
            b.GetProperty("buyAmount").GetDecimal(),
            b.GetProperty("sellAmount").GetDecimal(),
            b.TryGetProperty("completedDate", out var date) && date.ValueKind == JsonValueKind.String ? date.GetDateTimeOffset() : null));

    private static string StockLine(Stock s) =>
        $"{s.BatchId} {StockSummary(s)} @{Money(s.AveragePrice)}{(s.ErrorCode is null ? string.Empty : $" {s.ErrorCode}")}{(s.Unplaced ? " unplaced" : string.Empty)}";

    private static string StockSummary(Stock s) => $"{s.Ticker} {s.Side} {s.Status} {s.Filled}/{s.Quantity}";

    private static string BatchLine(string? id, string? status, int filled, int quantity, decimal buy, decimal sell, DateTimeOffset? completed) =>
        $"{id} {status} {filled}/{quantity} buy {Money(buy)} sell {Money(sell)} completed {Instant(completed)}";

    /// <summary>Instants travel with millisecond precision on the wire; the simulator's own truth has more.</summary>
    private static string Instant(DateTimeOffset? at) =>
        at?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) ?? "-";

    private static IEnumerable<string> EventOrders(JsonElement data) =>
        data.TryGetProperty("orders", out var orders)
            ? orders.EnumerateArray().Select(o => $"{Text(o, "ticker")} {Text(o, "transactionType")} {Text(o, "status")} {o.GetProperty("filledQuantity").GetInt32()}/{o.GetProperty("quantity").GetInt32()}")
            : [];

    private static string UpdateLine(JsonElement data) =>
        $"{Text(data, "ticker")} {Text(data, "transactionType")} {Text(data, "status")} {data.GetProperty("filledQuantity").GetInt32()}/{data.GetProperty("quantity").GetInt32()}";

    private static string Money(decimal amount) => amount.ToString("0.00##", CultureInfo.InvariantCulture);

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;
}
