using System.Text.Json;
using Gateway.Client.Json;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;

namespace Gateway.Client.Tests;

public sealed class OpenEnumerationTests
{
    private static T Parse<T>(string value) where T : struct => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value), GatewayJson.Options);

    private static string Write<T>(T value) => JsonSerializer.Serialize(value, GatewayJson.Options);

    [Theory]
    [InlineData("PLACED", false)]
    [InlineData("ACKED", false)]
    [InlineData("PARTIAL", false)]
    [InlineData("COMPLETE", true)]
    [InlineData("REJECTED", true)]
    [InlineData("CANCELLED", true)]
    [InlineData("CANCELLED AMO", true)]
    [InlineData("ERROR", true)]
    public void StockOrderStatus_DocumentedValue_ParsesAsKnownWithContractFinality(string wire, bool final)
    {
        var status = Parse<StockOrderStatus>(wire);

        Assert.Equal(wire, status.Value);
        Assert.True(OpenEnumeration.IsKnown(status));
        Assert.Equal(final, status.IsFinal);
    }

    [Fact]
    public void StockOrderStatus_Known_IsExactlyTheDocumentedSet() =>
        Assert.Equal(
            ["PLACED", "ACKED", "PARTIAL", "COMPLETE", "REJECTED", "CANCELLED", "CANCELLED AMO", "ERROR"],
            StockOrderStatus.Known.Select(s => s.Value));

    [Theory]
    [InlineData("COMPLETED")]
    [InlineData("CANCELLEDAMO")]
    [InlineData("CANCELLED_AMO")]
    [InlineData("complete")]
    [InlineData("TRIGGER PENDING")]
    [InlineData("")]
    public void StockOrderStatus_UnknownValue_IsKeptUnchangedAndIsNotFinal(string wire)
    {
        var status = Parse<StockOrderStatus>(wire);

        Assert.Equal(wire, status.Value);
        Assert.False(OpenEnumeration.IsKnown(status));
        Assert.False(status.IsFinal);
        Assert.Equal(JsonSerializer.Serialize(wire), Write(status));
    }

    [Theory]
    [InlineData("PLACED", false)]
    [InlineData("ACKED", false)]
    [InlineData("PARTIALLYPLACED", false)]
    [InlineData("COMPLETED", true)]
    [InlineData("PARTIALLYFILLED", true)]
    [InlineData("UNFILLED", true)]
    [InlineData("UNPLACED", true)]
    [InlineData("CANCELLED", true)]
    [InlineData("MARKEDCOMPLETE", true)]
    [InlineData("FIXED", true)]
    [InlineData("ERROR", true)]
    public void BatchStatus_DocumentedValue_ParsesAsKnownWithContractFinality(string wire, bool final)
    {
        var status = Parse<BatchStatus>(wire);

        Assert.Equal(wire, status.Value);
        Assert.True(OpenEnumeration.IsKnown(status));
        Assert.Equal(final, status.IsFinal);
    }

    [Fact]
    public void BatchStatus_Known_IsExactlyTheDocumentedSet() =>
        Assert.Equal(
            ["PLACED", "ACKED", "PARTIALLYPLACED", "COMPLETED", "PARTIALLYFILLED", "UNFILLED", "UNPLACED", "CANCELLED", "MARKEDCOMPLETE", "FIXED", "ERROR"],
            BatchStatus.Known.Select(s => s.Value));

    [Theory]
    [InlineData("COMPLETE")]
    [InlineData("PARTIAL")]
    [InlineData("completed")]
    [InlineData("CANCELLED AMO")]
    public void BatchStatus_StockLevelOrUnknownSpelling_IsKeptUnchangedAndIsNotFinal(string wire)
    {
        var status = Parse<BatchStatus>(wire);

        Assert.Equal(wire, status.Value);
        Assert.False(OpenEnumeration.IsKnown(status));
        Assert.False(status.IsFinal);
        Assert.Equal(JsonSerializer.Serialize(wire), Write(status));
    }

    [Fact]
    public void CompleteSpellings_AreFinalOnlyAtTheirOwnLevel()
    {
        Assert.True(StockOrderStatus.From("COMPLETE").IsFinal);
        Assert.False(StockOrderStatus.From("COMPLETED").IsFinal);
        Assert.True(BatchStatus.From("COMPLETED").IsFinal);
        Assert.False(BatchStatus.From("COMPLETE").IsFinal);
    }

    [Theory]
    [InlineData("INITIALIZED", false)]
    [InlineData("USED", false)]
    [InlineData("PROCESSING", false)]
    [InlineData("ACTION_REQUIRED", false)]
    [InlineData("ERRORED", true)]
    [InlineData("COMPLETED", true)]
    public void TransactionStatus_DocumentedValue_ParsesAsKnownWithContractTerminality(string wire, bool terminal)
    {
        var status = Parse<TransactionStatus>(wire);

        Assert.Equal(wire, status.Value);
        Assert.True(OpenEnumeration.IsKnown(status));
        Assert.Equal(terminal, status.IsTerminal);
    }

    [Theory]
    [InlineData("EXPIRED")]
    [InlineData("COMPLETE")]
    [InlineData("errored")]
    public void TransactionStatus_UnknownValue_IsKeptUnchangedAndIsNotTerminal(string wire)
    {
        var status = Parse<TransactionStatus>(wire);

        Assert.Equal(wire, status.Value);
        Assert.False(OpenEnumeration.IsKnown(status));
        Assert.False(status.IsTerminal);
        Assert.Equal(JsonSerializer.Serialize(wire), Write(status));
    }

    [Theory]
    [InlineData("BUY", true)]
    [InlineData("SELL", true)]
    [InlineData("SHORT", false)]
    public void TradeType_RoundTrips(string wire, bool known)
    {
        var type = Parse<TradeType>(wire);

        Assert.Equal(known, OpenEnumeration.IsKnown(type));
        Assert.Equal(JsonSerializer.Serialize(wire), Write(type));
    }

    [Theory]
    [InlineData("regular", true)]
    [InlineData("amo", true)]
    [InlineData("iceberg", false)]
    public void OrderVariety_RoundTrips(string wire, bool known)
    {
        var variety = Parse<OrderVariety>(wire);

        Assert.Equal(known, OpenEnumeration.IsKnown(variety));
        Assert.Equal(JsonSerializer.Serialize(wire), Write(variety));
    }

    [Theory]
    [InlineData("MARKET", true)]
    [InlineData("LIMIT", true)]
    [InlineData("SL", true)]
    [InlineData("SL-M", true)]
    [InlineData("BO", false)]
    public void OrderType_RoundTrips(string wire, bool known)
    {
        var orderType = Parse<OrderType>(wire);

        Assert.Equal(known, OpenEnumeration.IsKnown(orderType));
        Assert.Equal(JsonSerializer.Serialize(wire), Write(orderType));
        Assert.Equal(wire is "LIMIT" or "SL" or "SL-M", orderType.RestsUntilClose);
    }

    [Fact]
    public void UnknownStockStatus_InsideAnOrder_SurvivesARoundTrip()
    {
        const string json = """{"tradingsymbol":"ITC","transactionType":"BUY","status":"TRIGGER PENDING","quantity":1}""";

        var order = JsonSerializer.Deserialize<StockOrder>(json, GatewayJson.Options)!;
        var again = JsonSerializer.Deserialize<StockOrder>(Write(order), GatewayJson.Options)!;

        Assert.Equal("TRIGGER PENDING", again.Status.Value);
        Assert.False(again.Status.IsFinal);
    }
}
