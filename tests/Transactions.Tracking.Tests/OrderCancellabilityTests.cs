using Gateway.Client.Orders;

namespace Transactions.Tracking.Tests;

public sealed class OrderCancellabilityTests
{
    private static TrackedTransaction State(TrackerPhase phase, params OrderBatch[] batches) => new()
    {
        TransactionId = TestData.TransactionId,
        CreatedAt = TestData.SessionMorning,
        ExpireAt = TestData.SessionMorning.AddMinutes(15),
        Phase = phase,
        Orders = batches.Length == 0 ? TrackedOrders.Empty : TestData.Merge(batches),
    };

    [Theory]
    [InlineData(TrackerPhase.Completed)]
    [InlineData(TrackerPhase.Failed)]
    [InlineData(TrackerPhase.Expired)]
    public void Of_TerminalTransaction_IsFinal(TrackerPhase phase) =>
        Assert.Equal(CancellabilityKind.Final, Cancellability.Of(State(phase), "ITC").Kind);

    [Fact]
    public void Of_NotConfirmedYet_IsNotPlaced() =>
        Assert.Equal(CancellabilityKind.NotPlaced, Cancellability.Of(State(TrackerPhase.AwaitingUser), "ITC").Kind);

    [Fact]
    public void Of_OrdersOpenButNotReported_IsOpenWithoutABatch()
    {
        var check = Cancellability.Of(State(TrackerPhase.OrdersOpen), "ITC");

        Assert.Equal(new Cancellability(CancellabilityKind.Open), check);
    }

    [Theory]
    [InlineData("LIMIT", "regular")]
    [InlineData("SL", "regular")]
    [InlineData("SL-M", "regular")]
    [InlineData("MARKET", "amo")]
    public void Of_OpenSessionBoundOrder_IsOpenInItsBatch(string orderType, string variety)
    {
        var batch = TestData.Batch(TestData.BatchId, "PLACED", variety, [TestData.Order("ITC", "PLACED", orderType: orderType), TestData.Order("INFY", "COMPLETE", filled: 10)]);

        var check = Cancellability.Of(State(TrackerPhase.OrdersOpen, batch), "itc");

        Assert.Equal(new Cancellability(CancellabilityKind.Open, TestData.BatchId, "ITC"), check);
    }

    [Fact]
    public void Of_OpenRegularMarketOrder_IsAMarketOrder()
    {
        var batch = TestData.Batch("PLACED", TestData.Order("ITC", "PLACED", orderType: "MARKET"));

        Assert.Equal(CancellabilityKind.MarketOrder, Cancellability.Of(State(TrackerPhase.OrdersOpen, batch), "ITC").Kind);
    }

    [Theory]
    [InlineData("COMPLETE")]
    [InlineData("CANCELLED AMO")]
    [InlineData("REJECTED")]
    public void Of_FinalOrderOfAnOpenTransaction_IsFinal(string status)
    {
        var batch = TestData.Batch(TestData.BatchId, "PLACED", "amo", [TestData.Order("ITC", status, orderType: "LIMIT"), TestData.Order("INFY", "PLACED", orderType: "LIMIT")]);

        Assert.Equal(CancellabilityKind.Final, Cancellability.Of(State(TrackerPhase.OrdersOpen, batch), "ITC").Kind);
    }
}
