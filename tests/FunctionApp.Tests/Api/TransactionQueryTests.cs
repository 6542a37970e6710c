using System.Net;
using System.Text.Json;
using FunctionApp.Tests.Infrastructure;
using Gateway.Simulator.Scenarios;
using TestSupport;

namespace FunctionApp.Tests.Api;

[Collection(SharedAzurite.Name)]
public sealed class TransactionQueryTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string OneStock = """[{"ticker":"ITC","quantity":1,"type":"BUY"}]""";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private AppHarness harness = null!;

    public async Task InitializeAsync() => harness = await AppHarness.StartAsync(azurite);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Get_OwnerWhileOrdersOpen_SeesRequestedTimelineAndNextStepButNoUnconfirmedOrders()
    {
        // ITC fills 2 of 5 and stays open for hours: the Gateway says PROCESSING and has no order details yet, so the
        // webhooks' stock data (a fill the checksum does not cover) is not shown.
        harness.Simulator.Simulation.SetDefaultScenario(new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome>
            {
                ["ITC"] = new() { Kind = OutcomeKind.Partial, FilledQuantity = 2, SettleAfter = TimeSpan.FromHours(3) },
            },
        });
        var created = await harness.CreateTransactionAsync("alice", AppRequests.Basket);
        await harness.CompleteSdkFlowAsync(created);

        var transaction = await harness.WaitForStatusAsync("alice", created.TransactionId, "OrdersOpen", Patience);

        Assert.Equal(created.TransactionId, transaction.Property("transactionId"));
        Assert.False(transaction.GetProperty("final").GetBoolean());
        Assert.Equal("kite", transaction.Property("broker"));
        Assert.Equal(
            ["ITC SELL 5", "NIFTYBEES BUY 10", "RELIANCE BUY 2"],
            transaction.GetProperty("requested").EnumerateArray().Select(s => $"{s.Property("ticker")} {s.Property("type")} {s.GetProperty("quantity").GetInt32()}").Order(StringComparer.Ordinal));
        Assert.Empty(transaction.GetProperty("batches").EnumerateArray());
        Assert.True(transaction.GetProperty("timeline").GetArrayLength() >= 2);
        var next = transaction.GetProperty("next");
        Assert.False(string.IsNullOrEmpty(next.Property("waitingFor")));
        Assert.True(next.GetProperty("at").GetDateTimeOffset() > transaction.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Get_OwnerOfASettledPartialFill_SeesEachStocksStatusFillAndFinality()
    {
        harness.Simulator.Simulation.SetDefaultScenario(new Scenario
        {
            Outcomes = new Dictionary<string, OrderOutcome>
            {
                ["ITC"] = new() { Kind = OutcomeKind.Partial, FilledQuantity = 2, SettleAfter = TimeSpan.Zero },
            },
        });
        var created = await harness.CreateTransactionAsync("alice", AppRequests.Basket);
        await harness.CompleteSdkFlowAsync(created);

        var transaction = await harness.WaitForStatusAsync("alice", created.TransactionId, "Completed", Patience);

        Assert.True(transaction.GetProperty("final").GetBoolean());
        var batch = Assert.Single(transaction.GetProperty("batches").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(batch.Property("batchId")));
        Assert.Equal(
            ["ITC SELL CANCELLED 2/5 final", "NIFTYBEES BUY COMPLETE 10/10 final", "RELIANCE BUY COMPLETE 2/2 final"],
            Orders(transaction).Select(o =>
                $"{o.Property("ticker")} {o.Property("transactionType")} {o.Property("status")} {o.GetProperty("filledQuantity").GetInt32()}/{o.GetProperty("quantity").GetInt32()} {(o.GetProperty("final").GetBoolean() ? "final" : "open")}")
                .Order(StringComparer.Ordinal));
        Assert.All(Orders(transaction), o => Assert.False(o.TryGetProperty("statusMessage", out _), "the broker's raw text is for support staff only"));
    }

    [Fact]
    public async Task Get_NewTransaction_AwaitsTheUserAndWakesForExpiry()
    {
        var created = await harness.CreateTransactionAsync("alice", OneStock);

        var view = (await harness.GetAsync("alice", $"/api/transactions/{created.TransactionId}")).AssertStatus(HttpStatusCode.OK).Json;

        Assert.Equal("AwaitingUser", view.Property("status"));
        Assert.Empty(view.GetProperty("batches").EnumerateArray());
        Assert.Single(view.GetProperty("timeline").EnumerateArray());
        Assert.True(view.GetProperty("next").GetProperty("at").GetDateTimeOffset() > created.ExpireAt);
    }

    [Fact]
    public async Task Get_AnotherUsersTransaction_Returns404LikeAnUnknownOne()
    {
        var created = await harness.CreateTransactionAsync("alice", OneStock);

        var foreign = await harness.GetAsync("bob", $"/api/transactions/{created.TransactionId}");
        var unknown = await harness.GetAsync("bob", "/api/transactions/TRX_00000000000000000000000000000000");

        var foreignProblem = foreign.AssertProblem(HttpStatusCode.NotFound);
        var unknownProblem = unknown.AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(unknownProblem.Property("title"), foreignProblem.Property("title"));
        Assert.DoesNotContain(created.TransactionId, foreign.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TRX_00000000000000000000000000000000")]
    [InlineData("not-a-transaction-id")]
    [InlineData("TRX_%2E%2E")]
    public async Task Get_UnknownOrMalformedId_Returns404(string transactionId)
    {
        var response = await harness.GetAsync("alice", $"/api/transactions/{transactionId}");

        response.AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Get_IdLongerThanATableKey_Returns404()
    {
        var response = await harness.GetAsync("alice", $"/api/transactions/TRX_{new string('a', 600)}");

        response.AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_OnlyTheCallersOwn_NewestFirst_InPagesFollowingNextCursor()
    {
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await harness.CreateTransactionAsync("alice", OneStock)).TransactionId);
        }

        var bobs = (await harness.CreateTransactionAsync("bob", OneStock)).TransactionId;

        var pages = new List<List<string>>();
        string? cursor = null;
        do
        {
            var path = cursor is null ? "/api/transactions?limit=2" : $"/api/transactions?limit=2&cursor={Uri.EscapeDataString(cursor)}";
            var page = (await harness.GetAsync("alice", path)).AssertStatus(HttpStatusCode.OK).Json;
            pages.Add([.. page.GetProperty("items").EnumerateArray().Select(i => i.Property("transactionId"))]);
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.Property("nextCursor");
            Assert.True(pages.Count <= 3, "more pages than transactions");
        }
        while (cursor is not null);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Count));
        Assert.Equal(Enumerable.Reverse(created), pages.SelectMany(p => p));
        Assert.DoesNotContain(bobs, pages.SelectMany(p => p));
        var bobsList = (await harness.GetAsync("bob", "/api/transactions")).AssertStatus(HttpStatusCode.OK).Json;
        Assert.Equal([bobs], bobsList.GetProperty("items").EnumerateArray().Select(i => i.Property("transactionId")));
    }

    [Fact]
    public async Task List_StatusFilter_ReturnsOnlyThatStatus()
    {
        var waiting = (await harness.CreateTransactionAsync("alice", OneStock)).TransactionId;
        var cancelled = await harness.CreateTransactionAsync("alice", OneStock);
        await harness.SdkStepAsync(cancelled, "open", null);
        await harness.SdkStepAsync(cancelled, "cancel", null);
        (await harness.PostSdkResultAsync("alice", cancelled.TransactionId, """{"error":{"code":"user_cancelled","message":"The user cancelled."}}"""))
            .AssertStatus(HttpStatusCode.Accepted);
        await harness.WaitForStatusAsync("alice", cancelled.TransactionId, "Failed");

        await Eventually.Until(
            async () => Ids(await harness.GetAsync("alice", "/api/transactions?status=Failed")).SequenceEqual([cancelled.TransactionId]),
            Patience,
            "the user index to show the failed transaction");
        Assert.Equal([waiting], Ids(await harness.GetAsync("alice", "/api/transactions?status=AwaitingUser")));
        Assert.Empty(Ids(await harness.GetAsync("alice", "/api/transactions?status=Completed")));
    }

    [Theory]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=aGVsbG8", "cursor")] // base64url of "hello": decodes, but is no position this API returned
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("status=Bogus", "status")]
    [InlineData("status=completed", "status")]
    [InlineData("status=1", "status")]
    [InlineData("status=AwaitingUser,Completed", "status")]
    public async Task List_BadParameter_Returns400NamingIt(string query, string field)
    {
        var response = await harness.GetAsync("alice", $"/api/transactions?{query}");

        response.AssertValidationProblem(field);
    }

    [Fact]
    public async Task List_LimitNotANumber_Returns400()
    {
        var response = await harness.GetAsync("alice", "/api/transactions?limit=abc");

        response.AssertProblem(HttpStatusCode.BadRequest);
    }

    private static IEnumerable<JsonElement> Orders(JsonElement view) =>
        view.GetProperty("batches").EnumerateArray().SelectMany(b => b.GetProperty("orders").EnumerateArray());

    private static List<string> Ids(ApiResponse list) =>
        [.. list.AssertStatus(HttpStatusCode.OK).Json.GetProperty("items").EnumerateArray().Select(i => i.Property("transactionId"))];
}
