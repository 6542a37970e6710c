using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FunctionApp.Tests.Infrastructure;
using Gateway.Client.Webhooks;
using TestSupport;

namespace FunctionApp.Tests;

[Collection(SharedAzurite.Name)]
public sealed class EndToEndTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Basket_CreatedThenConfirmedInTheSdk_CompletesWithEveryStockFinal()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var created = await harness.CreateTransactionAsync("alice", """
            [{"ticker":"RELIANCE","quantity":2,"type":"BUY"},{"ticker":"ITC","quantity":5,"type":"SELL"},{"ticker":"NIFTYBEES","quantity":10,"type":"BUY"}]
            """);

        var sdkResult = await harness.CompleteSdkFlowAsync(created);
        using (var client = harness.Client("alice"))
        {
            var posted = await client.PostAsync($"/api/transactions/{created.TransactionId}/sdk-result", JsonContent.Create(sdkResult));
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        var view = await harness.WaitForStatusAsync("alice", created.TransactionId, "Completed");

        Assert.True(view.GetProperty("final").GetBoolean());
        var orders = view.GetProperty("batches").EnumerateArray().SelectMany(b => b.GetProperty("orders").EnumerateArray()).ToList();
        Assert.Equal(["ITC SELL 5/5 COMPLETE", "NIFTYBEES BUY 10/10 COMPLETE", "RELIANCE BUY 2/2 COMPLETE"],
            orders.Select(o => $"{o.GetProperty("ticker")} {o.GetProperty("transactionType")} {o.GetProperty("filledQuantity")}/{o.GetProperty("quantity")} {o.GetProperty("status")}").Order(StringComparer.Ordinal));
        var truth = harness.Simulator.Simulation.GetTruth(created.TransactionId)!;
        Assert.Equal("COMPLETED", truth.Status.Value);
        var attempts = truth.Webhooks.SelectMany(w => w.Attempts).ToList();
        Assert.NotEmpty(attempts);
        Assert.All(attempts, a => Assert.Equal(200, a.StatusCode));
    }
}
