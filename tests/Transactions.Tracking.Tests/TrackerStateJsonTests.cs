using System.Text.Json;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using static Transactions.Tracking.Tests.TestData;

namespace Transactions.Tracking.Tests;

public sealed class TrackerStateJsonTests
{
    private static TrackedTransaction RichOpenState()
    {
        var tracker = new Tracker(SessionMorning);
        var amo = Batch("batch-amo", "PARTIALLYPLACED", "amo",
            [Order("ITC", "PARTIAL", quantity: 7, filled: 3, averagePrice: 211.0275m, exchangeOrderId: "1100000004830698", orderType: "LIMIT"),
             Order("M&M", "TRIGGER PENDING", side: "SELL")],
            [Order("TCS", "ERROR", errorCode: "checkHoldings", side: "SELL") with { StatusMessage = "Insufficient holdings" }]);
        tracker.Apply(OrderDetailsEvent(amo with { BuyAmount = 22050.62m, SellAmount = 0.01m, CompletedDate = SessionMorning }));
        tracker.Apply(DetailsEvent(TransactionStatus.Processing), TimeSpan.FromMinutes(3));
        tracker.Apply(new PollFailed(PollTarget.TransactionDetails, "HTTP 503"), TimeSpan.FromMinutes(1));
        return tracker.State;
    }

    private static TrackedTransaction FailedState()
    {
        var tracker = new Tracker(SessionMorning);
        tracker.Apply(DetailsEvent(TransactionStatus.Errored, new TransactionError("insufficient_holdings", "Not enough holdings")));
        return tracker.State;
    }

    public static TheoryData<string> States() => ["open", "failed"];

    private static TrackedTransaction Build(string name) => name == "open" ? RichOpenState() : FailedState();

    [Theory]
    [MemberData(nameof(States))]
    public void RoundTrip_State_SameContentVersionAndTimeline(string name)
    {
        var state = Build(name);

        var copy = TrackerStateJson.Deserialize(TrackerStateJson.Serialize(state));

        Assert.True(copy.HasSameContentAs(state));
        Assert.Equal(state.Version, copy.Version);
        Assert.Equal(state.Timeline, copy.Timeline);
        Assert.Equal(TrackerStateJson.Serialize(state), TrackerStateJson.Serialize(copy));
    }

    [Fact]
    public void RoundTrip_OpenState_KeepsMoneyUnknownStatusesAndOptionalFields()
    {
        var copy = TrackerStateJson.Deserialize(TrackerStateJson.Serialize(RichOpenState()));

        var itc = copy.Orders.Stocks.Single(stock => stock.Ticker == "ITC");
        var mm = copy.Orders.Stocks.Single(stock => stock.Ticker == "M&M");
        var tcs = copy.Orders.Stocks.Single(stock => stock.Ticker == "TCS");
        var batch = Assert.Single(copy.Orders.Batches);
        Assert.Equal((211.0275m, 3, "1100000004830698", OrderType.Limit, OrderVariety.Amo), (itc.AveragePrice, itc.FilledQuantity, itc.ExchangeOrderId, itc.OrderType, itc.Variety));
        Assert.Equal(("TRIGGER PENDING", false), (mm.Status.Value, mm.IsFinal));
        Assert.Equal((StockOrderStatus.Error, true, "checkHoldings", "Insufficient holdings"), (tcs.Status, tcs.IsUnplaced, tcs.ErrorCode, tcs.StatusMessage));
        Assert.Equal((22050.62m, 0.01m, BatchStatus.PartiallyPlaced), (batch.BuyAmount, batch.SellAmount, batch.Status));
        Assert.Equal((TransactionStatus.Processing, 1, PollTarget.TransactionDetails), (copy.GatewayStatus, copy.ConsecutivePollFailures, copy.WaitingFor));
    }

    [Fact]
    public void Serialize_EnumsAndStatuses_WrittenAsText()
    {
        var json = TrackerStateJson.Serialize(FailedState());

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("Failed", root.GetProperty("phase").GetString());
        Assert.Equal("ERRORED", root.GetProperty("gatewayStatus").GetString());
        Assert.Equal("insufficient_holdings", root.GetProperty("gatewayError").GetProperty("code").GetString());
        Assert.False(root.TryGetProperty("outcomePublicationPending", out _));
        Assert.False(root.TryGetProperty("unpublishedStockChanges", out _));
        Assert.False(root.TryGetProperty("nextWakeAt", out _));
        Assert.False(root.TryGetProperty("outcome", out _));
    }

    [Fact]
    public void Deserialize_StateSavedWithPendingPublicationFields_ReadsTheStateAndDropsThem()
    {
        var state = RichOpenState();
        var legacy = System.Text.Json.Nodes.JsonNode.Parse(TrackerStateJson.Serialize(state))!.AsObject();
        legacy["outcomePublicationPending"] = false;
        legacy["unpublishedStockChanges"] = System.Text.Json.Nodes.JsonNode.Parse(
            """[{"version":3,"change":{"ticker":"ITC","transactionType":"BUY","oldStatus":"PLACED","newStatus":"PARTIAL","quantity":7,"filledQuantity":3}}]""");

        var copy = TrackerStateJson.Deserialize(legacy.ToJsonString());

        Assert.True(copy.HasSameContentAs(state));
        Assert.Equal(state.Version, copy.Version);
        Assert.Equal(TrackerStateJson.Serialize(state), TrackerStateJson.Serialize(copy));
    }

    [Fact]
    public void Deserialize_ThenApply_DecidesLikeTheOriginal()
    {
        var state = RichOpenState();
        var copy = TrackerStateJson.Deserialize(TrackerStateJson.Serialize(state));
        var tracker = new Tracker(SessionMorning.AddMinutes(10));
        var completed = OrderDetailsEvent(Batch("batch-amo", "COMPLETED", "amo",
            [Order("ITC", "COMPLETE", quantity: 7, filled: 7, orderType: "LIMIT"), Order("M&M", "CANCELLED", side: "SELL")]));

        var fromOriginal = tracker.Engine.Apply(state, completed);
        var fromCopy = tracker.Engine.Apply(copy, completed);

        Assert.Equal(TrackerPhase.Completed, fromCopy.State.Phase);
        Assert.True(fromCopy.State.HasSameContentAs(fromOriginal.State));
        Assert.Equal(fromOriginal.Outcome, fromCopy.Outcome);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("{\"createdAt\":\"2026-01-07T05:30:00Z\",\"expireAt\":\"2026-01-07T05:45:00Z\"}")]
    public void Deserialize_NotAState_ThrowsJsonException(string json)
    {
        Assert.ThrowsAny<JsonException>(() => TrackerStateJson.Deserialize(json));
    }
}
