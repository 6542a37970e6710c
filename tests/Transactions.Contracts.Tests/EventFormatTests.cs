using System.Net.Mime;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents.SystemTextJson;
using Json.Schema;

namespace Transactions.Contracts.Tests;

/// <summary>Events written from the records validate against the committed schemas, and the CNCF CloudEvents SDK reads them.</summary>
public sealed class EventFormatTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 27, 12, 30, 5, TimeSpan.Zero);

    private static OutcomeEvent<OrderUpdatedData> OrderUpdated(string? previousStatus = "PLACED") => new(
        "1.0", "TRX_47fbd57104814ddd9d57af8ae6556024/order-v3-ITC-BUY-611a21737f8bf5d33e986067", OutcomeEventTypes.Source, OutcomeEventTypes.OrderUpdated,
        "TRX_47fbd57104814ddd9d57af8ae6556024", Time, OutcomeEventTypes.DataContentType,
        new OrderUpdatedData("TRX_47fbd57104814ddd9d57af8ae6556024", "asha", "ITC", "BUY", "COMPLETE", 10, 10, "611a21737f8bf5d33e986067", previousStatus));

    private static OutcomeEvent<TransactionOutcomeData> Failed() => new(
        "1.0", "TRX_47fbd57104814ddd9d57af8ae6556024/final", OutcomeEventTypes.Source, OutcomeEventTypes.TransactionFailed,
        "TRX_47fbd57104814ddd9d57af8ae6556024", Time, OutcomeEventTypes.DataContentType,
        new TransactionOutcomeData("TRX_47fbd57104814ddd9d57af8ae6556024", "asha", TransactionOutcome.Failed, Time, [], "ERRORED",
            new OutcomeError("user_cancelled", "The user cancelled.")));

    private static OutcomeEvent<TransactionOutcomeData> Completed() => new(
        "1.0", "TRX_47fbd57104814ddd9d57af8ae6556024/final", OutcomeEventTypes.Source, OutcomeEventTypes.TransactionCompleted,
        "TRX_47fbd57104814ddd9d57af8ae6556024", Time, OutcomeEventTypes.DataContentType,
        new TransactionOutcomeData("TRX_47fbd57104814ddd9d57af8ae6556024", "asha", TransactionOutcome.Completed, Time,
            [new OutcomeOrder("ITC", "SELL", "COMPLETE", 12, 12, 415.40m, "611a21737f8bf5d33e986067")], "COMPLETED", Broker: "kite"));

    public static TheoryData<string, string> Events => new()
    {
        { OutcomeEventTypes.OrderUpdated, Write(OrderUpdated()) },
        { OutcomeEventTypes.OrderUpdated, Write(OrderUpdated(previousStatus: null)) },
        { OutcomeEventTypes.TransactionFailed, Write(Failed()) },
        { OutcomeEventTypes.TransactionCompleted, Write(Completed()) },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void WrittenEvent_ValidatesAgainstItsCommittedSchema(string eventType, string json)
    {
        var result = SchemaOf(eventType).Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, json);
    }

    [Theory]
    [InlineData("data.status", null)]
    [InlineData("data.quantity", "\"10\"")]
    [InlineData("type", "\"transaction.completed\"")]
    [InlineData("data.filledQuantity", "1.5")]
    public void EventBreakingTheContract_FailsItsSchema(string path, string? value)
    {
        var node = JsonNode.Parse(Write(OrderUpdated()))!;
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(node, (n, p) => n[p]!).AsObject();
        parent.Remove(parts[^1]);
        if (value is not null)
        {
            parent[parts[^1]] = JsonNode.Parse(value);
        }

        Assert.False(SchemaOf(OutcomeEventTypes.OrderUpdated).Evaluate(JsonSerializer.SerializeToElement(node)).IsValid);
    }

    [Fact]
    public void NullsAreLeftOut_AndMoneyIsAnExactNumber()
    {
        var completed = JsonNode.Parse(Write(Completed()))!;

        Assert.False(completed["data"]!.AsObject().ContainsKey("error"));
        Assert.Equal("415.40", completed["data"]!["orders"]![0]!["averagePrice"]!.ToJsonString());
        Assert.Equal("Completed", completed["data"]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public void Batch_IsReadByTheCncfCloudEventsSdk()
    {
        var batch = $"[{Write(OrderUpdated())},{Write(Completed())}]";

        var events = new JsonEventFormatter().DecodeBatchModeMessage(
            System.Text.Encoding.UTF8.GetBytes(batch), new ContentType(OutcomeEventTypes.BatchContentType), extensionAttributes: null);

        Assert.Equal(2, events.Count);
        Assert.Equal([OutcomeEventTypes.OrderUpdated, OutcomeEventTypes.TransactionCompleted], events.Select(e => e.Type));
        Assert.Equal(new Uri(OutcomeEventTypes.Source, UriKind.Relative), events[0].Source);
        Assert.Equal("TRX_47fbd57104814ddd9d57af8ae6556024", events[1].Subject);
        Assert.Equal(Time, events[1].Time);
        var data = Assert.IsType<JsonElement>(events[1].Data);
        Assert.Equal(415.40m, data.GetProperty("orders")[0].GetProperty("averagePrice").GetDecimal());
    }

    [Fact]
    public void ReadingAnEventWithoutARequiredField_Throws()
    {
        var node = JsonNode.Parse(Write(OrderUpdated()))!;
        node["data"]!.AsObject().Remove("ticker");

        Assert.Throws<JsonException>(() => node.Deserialize<OutcomeEvent<OrderUpdatedData>>(OutcomeEventJson.Options));
    }

    [Fact]
    public void ReadingAnEventWithoutItsOptionalFields_GivesNulls()
    {
        var read = JsonSerializer.Deserialize<OutcomeEvent<OrderUpdatedData>>(Write(OrderUpdated(previousStatus: null)), OutcomeEventJson.Options)!;

        Assert.Null(read.Data.PreviousStatus);
        Assert.Equal(OrderUpdated(previousStatus: null).Data, read.Data);
    }

    private static string Write<TData>(OutcomeEvent<TData> cloudEvent) where TData : class =>
        JsonSerializer.Serialize(cloudEvent, OutcomeEventJson.Options);

    /// <summary>Each schema parsed once: parsing registers its <c>$id</c>, which may be registered only once.</summary>
    private static JsonSchema SchemaOf(string eventType) => Schemas.GetOrAdd(eventType, type => JsonSchema.FromText(OutcomeEventJson.CommittedSchema(type)));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonSchema> Schemas = new(StringComparer.Ordinal);
}
