using System.Net;
using Gateway.Client.Http;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Simulator.Scenarios;
using static Gateway.Contract.Tests.ContractHarness;

namespace Gateway.Contract.Tests;

/// <summary>The <c>CANCEL_ORDER</c> intent, client against simulator: a transaction whose confirmation cancels one open order.</summary>
public sealed class CancelOrderContractTests : ContractTestBase
{
    private async Task<(string TransactionId, OrderBatch Batch)> AmoPlacedAsync()
    {
        await H.MoveClockToAsync(FridayEvening);
        var created = await H.CreateAsync(Buy("RELIANCE", 2), Buy("ITC", 5));
        await H.LoginAsync(created.TransactionId, "kite", "AB1234");
        var (id, result) = (created.TransactionId, await H.ConfirmAsync(created.TransactionId));
        var batch = Assert.Single(result.OrderBatches);
        Assert.Equal(OrderVariety.Amo, batch.Variety);
        return (id, batch);
    }

    [Fact]
    public async Task CancelAmo_ConfirmedInTheSdk_OrderCancelledAmoAndTheRestStaysOpen()
    {
        var (original, batch) = await AmoPlacedAsync();

        var cancellation = await H.Client.CreateCancellationAsync(new CancelOrderRequest(batch.BatchId!, "ITC", Notes), H.Guest(), H.Ct);
        Assert.Matches("^TRX_[0-9a-f]{32}$", cancellation.TransactionId);
        Assert.NotEqual(original, cancellation.TransactionId);
        await H.LoginAsync(cancellation.TransactionId, "kite", "AB1234");
        var result = await H.ConfirmAsync(cancellation.TransactionId);

        var truth = H.Truth(original);
        var orders = Assert.Single(truth.Orders.OrderBatches).Orders;
        Assert.Equal(StockOrderStatus.CancelledAmo, orders.Single(o => o.Tradingsymbol == "ITC").Status);
        Assert.Equal(StockOrderStatus.Placed, orders.Single(o => o.Tradingsymbol == "RELIANCE").Status);
        Assert.Equal(StockOrderStatus.CancelledAmo, result.OrderBatches.Single().Orders.Single(o => o.Tradingsymbol == "ITC").Status);
        Assert.Equal(TransactionStatus.Completed, (await H.DetailsAsync(cancellation.TransactionId)).Status);
        Assert.Equal(TransactionStatus.Processing, truth.Status);
    }

    [Fact]
    public async Task CancelEveryAmoOrder_BatchCancelledAndTheOriginalCompleted()
    {
        var (original, batch) = await AmoPlacedAsync();

        foreach (var ticker in new[] { "RELIANCE", "ITC" })
        {
            var cancellation = await H.Client.CreateCancellationAsync(new CancelOrderRequest(batch.BatchId!, ticker), H.Guest(), H.Ct);
            await H.LoginAsync(cancellation.TransactionId, "kite", "AB1234");
            await H.ConfirmAsync(cancellation.TransactionId);
        }

        var orders = await H.OrdersAsync(original);
        Assert.Equal(BatchStatus.Cancelled, Assert.Single(orders.OrderBatches).Status);
        Assert.Equal(TransactionStatus.Completed, (await H.DetailsAsync(original)).Status);
    }

    [Fact]
    public async Task CancelFilledOrder_GatewayRefusesNamingTheTicker()
    {
        var (_, result) = await H.TradeAsync(Buy("ITC", 5));

        var refused = await Assert.ThrowsAsync<GatewayApiException>(() =>
            H.Client.CreateCancellationAsync(new CancelOrderRequest(result.OrderBatches.Single().BatchId!, "ITC"), H.Guest(), H.Ct));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(refused.Errors, e => e.Contains("ITC", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CancelAnotherUsersOrder_ConnectedTokenSeesNoSuchBatch()
    {
        var (_, batch) = await AmoPlacedAsync();

        var refused = await Assert.ThrowsAsync<GatewayApiException>(() =>
            H.Client.CreateCancellationAsync(new CancelOrderRequest(batch.BatchId!, "ITC"), H.Connected("0123456789abcdef01234567"), H.Ct));

        Assert.Contains(refused.Errors, e => e.Contains("no batch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OrderFillsBeforeTheCancellationIsConfirmed_FlowEndsOrderNotOpen()
    {
        var (original, batch) = await AmoPlacedAsync();
        await H.MoveClockToAsync(MondayOpen.AddMinutes(-5));
        var cancellation = await H.Client.CreateCancellationAsync(new CancelOrderRequest(batch.BatchId!, "ITC"), H.Guest(), H.Ct);
        await H.LoginAsync(cancellation.TransactionId, "kite", "AB1234");
        await H.MoveClockToAsync(MondayOpen.AddMinutes(1));

        using var confirm = await H.SdkAsync(cancellation.TransactionId, "confirm");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, confirm.StatusCode);
        Assert.Equal("order_not_open", (await H.DetailsAsync(cancellation.TransactionId)).Details.Error?.Code);
        Assert.Equal(StockOrderStatus.Complete, Assert.Single(H.Truth(original).Orders.OrderBatches).Orders.Single(o => o.Tradingsymbol == "ITC").Status);
    }

    [Fact]
    public async Task CancellationConfirmedFromAnotherBrokerAccount_FlowEndsUserMismatchAndTheOrderStaysOpen()
    {
        var (original, batch) = await AmoPlacedAsync();
        var cancellation = await H.Client.CreateCancellationAsync(new CancelOrderRequest(batch.BatchId!, "ITC"), H.Guest(), H.Ct);
        await H.LoginAsync(cancellation.TransactionId, "kite", "SOMEONE-ELSE");

        using var confirm = await H.SdkAsync(cancellation.TransactionId, "confirm");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, confirm.StatusCode);
        Assert.Equal("user_mismatch", (await H.DetailsAsync(cancellation.TransactionId)).Details.Error?.Code);
        Assert.Equal(StockOrderStatus.Placed, Assert.Single(H.Truth(original).Orders.OrderBatches).Orders.Single(o => o.Tradingsymbol == "ITC").Status);
    }

    [Theory]
    [InlineData("not-a-batch", "ITC", "batchId")]
    [InlineData("611a21737f8bf5d33e986067", "itc", "ticker")]
    public void InvalidCancellation_IsRefusedBeforeAnythingIsSent(string batchId, string ticker, string field)
    {
        var problems = TransactionRequestValidator.ValidateCancellation(new CancelOrderRequest(batchId, ticker));

        Assert.Equal(field, Assert.Single(problems).Field);
    }
}
