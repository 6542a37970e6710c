using System.Net;
using System.Text.Json;
using FunctionApp.Tests.Infrastructure;
using FunctionApp.Tests.Tracking;
using Gateway.Simulator;
using TestSupport;

namespace FunctionApp.Tests.Api;

/// <summary><c>POST /api/transactions/{id}/cancellations</c>: cancelling one open order, through the Gateway's <c>CANCEL_ORDER</c> transaction.</summary>
[Collection(SharedAzurite.Name)]
public sealed class CancelOrderTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string OneStock = """[{"ticker":"ITC","quantity":5,"type":"BUY"}]""";
    private static readonly DateTimeOffset FridayEvening = new(2026, 11, 27, 18, 0, 0, TimeSpan.FromHours(5.5));
    private AppHarness harness = null!;
    private TrackingKit kit = null!;

    public async Task InitializeAsync()
    {
        harness = await AppHarness.StartAsync(azurite, simulatorOptions: new SimulatorOptions { ClockStart = FridayEvening });
        kit = new TrackingKit(harness, "alice");
    }

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task CancelAmo_ConfirmedInTheSdk_TrackingSeesCancelledAmoPublishesAndCompletes()
    {
        var (original, batchId) = await AmoPlacedAsync(OneStock);

        var response = await harness.PostCancellationAsync("alice", original.TransactionId, $$"""{"ticker":"ITC","batchId":"{{batchId}}"}""");

        var answer = response.AssertStatus(HttpStatusCode.Created).Json;
        Assert.Equal($"/api/transactions/{original.TransactionId}", response.Headers.Location?.OriginalString);
        var cancellation = new CreatedTransactionJson(answer.Property("transactionId"), answer.Property("gatewayToken"), answer.GetProperty("expireAt").GetDateTimeOffset(), null, answer.GetProperty("sdk"));
        Assert.NotEqual(original.TransactionId, cancellation.TransactionId);
        Assert.Equal(original.TransactionId, answer.GetProperty("cancels").Property("transactionId"));
        Assert.Equal(batchId, answer.GetProperty("cancels").Property("batchId"));
        Assert.Equal("ITC", answer.GetProperty("cancels").Property("ticker"));
        Assert.Equal([cancellation.TransactionId], CancellationsAtTheGateway());

        var sdkResult = await harness.CompleteSdkFlowAsync(cancellation, accountId: "AB1234");
        (await harness.SendAsync("alice", HttpMethod.Post, answer.Property("sdkResultUrl"), AppRequests.Json(sdkResult.GetRawText()))).AssertStatus(HttpStatusCode.Accepted);

        var final = await kit.WaitUntilFinalAsync(original.TransactionId);
        Assert.Equal("Completed", final.Property("status"));
        Assert.Equal(["ITC BUY CANCELLED AMO 0/5"], TrackingKit.Stocks(final));
        Assert.Equal("CANCELLED", final.GetProperty("batches")[0].Property("status"));
        await kit.AssertMatchesTruthAsync(original.TransactionId);
        await Eventually.Until(async () => (await kit.DrainOutcomesAsync()).Any(e => e.IsFinal), TrackingKit.Patience, "the outcome event");
        var outcomes = kit.Outcomes;
        Assert.Contains(outcomes, e => e.Type == OutcomeEvent.OrderUpdated && e.Data.GetRawText().Contains("CANCELLED AMO", StringComparison.Ordinal));
        Assert.Equal("transaction.completed", Assert.Single(outcomes, e => e.IsFinal).Type);

        // Once final, the order cannot be cancelled again, and the Gateway is not asked.
        var again = await harness.PostCancellationAsync("alice", original.TransactionId, $$"""{"ticker":"ITC","batchId":"{{batchId}}"}""");
        Assert.Contains("final", again.AssertProblem(HttpStatusCode.Conflict).Property("detail"), StringComparison.Ordinal);
        Assert.Single(CancellationsAtTheGateway());
    }

    [Fact]
    public async Task Cancel_AnotherUsersTransaction_Returns404AndCreatesNothingAtTheGateway()
    {
        var (alices, batchId) = await AmoPlacedAsync(OneStock);
        var before = harness.GatewayTransactionCount();

        var response = await harness.PostCancellationAsync("bob", alices.TransactionId, $$"""{"ticker":"ITC","batchId":"{{batchId}}"}""");

        response.AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(before, harness.GatewayTransactionCount());
        Assert.Equal("OrdersOpen", (await kit.ViewAsync(alices.TransactionId)).Property("status"));
    }

    [Fact]
    public async Task Cancel_BatchOfAnotherUsersTransaction_IsRefusedByTheGatewayAndTheirOrderStaysOpen()
    {
        var (alices, alicesBatch) = await AmoPlacedAsync(OneStock);
        var bob = new TrackingKit(harness, "bob");
        var bobs = await bob.CreateAsync(OneStock);
        await bob.PostSdkResultAsync(bobs.TransactionId, await harness.CompleteSdkFlowAsync(bobs, accountId: "BOB-ACCOUNT"));
        await bob.WaitForStatusAsync(bobs.TransactionId, "OrdersOpen");

        // Bob names his own transaction but Alice's batch: the Gateway sees no such batch for Bob's broker account.
        var response = await harness.PostCancellationAsync("bob", bobs.TransactionId, $$"""{"ticker":"ITC","batchId":"{{alicesBatch}}"}""");

        response.AssertProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Empty(CancellationsAtTheGateway());
        var order = Assert.Single(harness.Simulator.Simulation.GetTruth(alices.TransactionId)!.Orders.OrderBatches).Orders.Single();
        Assert.Equal("PLACED", order.Status.ToString());
    }

    [Fact]
    public async Task Cancel_BeforeTheUserConfirmed_Returns409()
    {
        var created = await kit.CreateAsync(OneStock);

        var response = await harness.PostCancellationAsync("alice", created.TransactionId, """{"ticker":"ITC","batchId":"611a21737f8bf5d33e986067"}""");

        Assert.Contains("not confirmed", response.AssertProblem(HttpStatusCode.Conflict).Property("detail"), StringComparison.Ordinal);
        Assert.Empty(CancellationsAtTheGateway());
    }

    [Theory]
    [InlineData("""{"batchId":"611a21737f8bf5d33e986067"}""", "ticker")]
    [InlineData("""{"ticker":"itc","batchId":"611a21737f8bf5d33e986067"}""", "ticker")]
    [InlineData("""{"ticker":"INFY","batchId":"611a21737f8bf5d33e986067"}""", "ticker")]
    [InlineData("""{"ticker":"ITC"}""", "batchId")]
    [InlineData("""{"ticker":"ITC","batchId":"not-a-batch"}""", "batchId")]
    [InlineData("""{"ticker":"ITC","batchId":42}""", "body")]
    [InlineData("""[]""", "body")]
    public async Task Cancel_InvalidRequest_Returns400NamingTheFieldAndCreatesNothing(string body, string field)
    {
        var (original, _) = await AmoPlacedAsync(OneStock);

        var response = await harness.PostCancellationAsync("alice", original.TransactionId, body);

        response.AssertValidationProblem(field);
        Assert.Empty(CancellationsAtTheGateway());
    }

    [Fact]
    public async Task Cancel_UnknownTransaction_Returns404()
    {
        var response = await harness.PostCancellationAsync("alice", "TRX_0123456789abcdef0123456789abcdef", """{"ticker":"ITC"}""");

        response.AssertProblem(HttpStatusCode.NotFound);
    }

    private List<string> CancellationsAtTheGateway() =>
        [.. harness.Simulator.Simulation.ListTransactions().Where(t => harness.Simulator.Simulation.GetTruth(t.TransactionId)!.Cancels is not null).Select(t => t.TransactionId)];

    /// <summary>Alice's order placed after the close as an AMO, her SDK result posted (linking her broker account): the transaction stays open.</summary>
    private async Task<(CreatedTransactionJson Created, string BatchId)> AmoPlacedAsync(string securities)
    {
        var created = await kit.CreateAsync(securities);
        var sdkResult = await harness.CompleteSdkFlowAsync(created, accountId: "AB1234");
        await kit.PostSdkResultAsync(created.TransactionId, sdkResult);
        await kit.WaitForStatusAsync(created.TransactionId, "OrdersOpen");
        using var orders = JsonDocument.Parse(sdkResult.Property("data"));
        return (created, orders.RootElement.GetProperty("orderBatches")[0].Property("batchId"));
    }
}
