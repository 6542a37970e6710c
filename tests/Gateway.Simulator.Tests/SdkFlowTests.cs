using System.Net;
using System.Text.Json;
using Gateway.Client.Auth;
using Gateway.Client.Json;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Client.Webhooks;
using Gateway.Simulator.Api;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Market;
using Gateway.Simulator.Scenarios;
using static Gateway.Simulator.Tests.TestSimulator;

namespace Gateway.Simulator.Tests;

public sealed class SdkFlowTests : SimulatorTestBase
{
    [Fact]
    public async Task FullFlow_MixedBasketInSession_CompletesAndSendsVerifiableWebhooks()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 10), Sell("ITC", 5));

        var opened = await Sim.StepAsync(id, "open");
        var chosen = await Sim.StepAsync(id, "broker", new SdkBrokerChoice("kite"));
        var loggedIn = await Sim.StepAsync(id, "login", new SdkLogin("AB1234"));
        var usedDetails = await Sim.DetailsAsync(id);
        var result = await Sim.ConfirmAsync(id);
        await Sim.RunDueWorkAsync();

        Assert.Equal(TransactionStatus.Initialized, opened.Status);
        Assert.Equal("kite", chosen.Broker);
        Assert.Equal(TransactionStatus.Used, loggedIn.Status);
        Assert.Equal(TransactionStatus.Used, usedDetails.Status);
        var authId = loggedIn.SmallcaseAuthId!;
        Assert.Matches("^[0-9a-f]{24}$", authId);
        Assert.Equal(authId, usedDetails.SmallcaseAuthId);

        // The SDK result: the order response with a smallcaseAuthToken signed with the Secret.
        Assert.Equal(id, result.TransactionId);
        Assert.Equal("kite", result.Broker);
        Assert.Equal("ref_9f2c", result.Notes);
        var token = await new GatewayTokens(Secret, Sim.Running.Clock).VerifyAsync(result.SmallcaseAuthToken);
        Assert.True(token.IsValid);
        Assert.Equal(authId, token.Claims!.SmallcaseAuthId);
        var batch = Assert.Single(result.OrderBatches);
        Assert.Equal(BatchStatus.Completed, batch.Status);
        Assert.Equal(OrderVariety.Regular, batch.Variety);
        Assert.Equal(2, batch.Quantity);
        Assert.Equal(2, batch.Filled);
        var reliance = batch.Orders.Single(o => o.Tradingsymbol == "RELIANCE");
        var itc = batch.Orders.Single(o => o.Tradingsymbol == "ITC");
        Assert.Equal(PriceBook.FillPrice("RELIANCE", reliance.ExchangeOrderId!), reliance.AveragePrice);
        Assert.Equal(PriceBook.FillPrice("ITC", itc.ExchangeOrderId!), itc.AveragePrice);
        Assert.Equal(10 * reliance.AveragePrice, batch.BuyAmount);
        Assert.Equal(5 * itc.AveragePrice, batch.SellAmount);
        Assert.Equal(FridayMorning, batch.CompletedDate);
        Assert.All(batch.Orders, order =>
        {
            Assert.Equal(StockOrderStatus.Complete, order.Status);
            Assert.Equal(order.Quantity, order.FilledQuantity);
            Assert.Equal(OrderType.Market, order.OrderType);
            Assert.NotNull(order.ExchangeOrderId);
        });
        Assert.Equal(TradeType.Sell, batch.Orders.Single(o => o.Tradingsymbol == "ITC").TransactionType);

        var details = await Sim.DetailsAsync(id);
        Assert.Equal(TransactionStatus.Completed, details.Status);
        Assert.Equal("kite", details.Broker);
        Assert.Equal(batch.BatchId, Assert.Single(await Sim.OrderBatchesAsync($"transactionId={id}")).BatchId);

        // Webhooks: placed, then completed; each checksum verifies with the API secret and no other.
        Assert.Equal(2, Sim.Webhooks.Hits.Count);
        var placed = Sim.Webhooks.Hits[0].Body;
        var completed = Sim.Webhooks.Hits[1].Body;
        Assert.Equal(BatchStatus.Placed, placed.OrderBatches.Single().Status);
        Assert.Equal(BatchStatus.Completed, completed.OrderBatches.Single().Status);
        foreach (var webhook in new[] { placed, completed })
        {
            Assert.Equal(id, webhook.TransactionId);
            Assert.Equal(authId, webhook.SmallcaseAuthId);
            Assert.Equal("2026-11-27T05:30:00.000Z", webhook.Timestamp);
            Assert.Equal(ChecksumFailure.None, WebhookChecksum.Verify(webhook, [ApiSecret]));
            Assert.Equal(ChecksumFailure.Mismatch, WebhookChecksum.Verify(webhook, ["another-api-secret"]));
        }
    }

    [Fact]
    public async Task Edit_QuantityAndSideChanged_OrdersReflectTheEdit()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 10), Sell("ITC", 5));
        await Sim.LoginAsync(id);

        var edited = await Sim.StepAsync(id, "edit", new SdkEdit([Buy("ITC", 7), Buy("RELIANCE", 3)]));
        var result = await Sim.ConfirmAsync(id);

        Assert.Equal([Buy("RELIANCE", 3), Buy("ITC", 7)], edited.Securities);
        var orders = result.OrderBatches.Single().Orders;
        var itc = orders.Single(o => o.Tradingsymbol == "ITC");
        Assert.Equal(TradeType.Buy, itc.TransactionType);
        Assert.Equal(7, itc.Quantity);
        Assert.Equal(7, itc.FilledQuantity);
        Assert.Equal(3, orders.Single(o => o.Tradingsymbol == "RELIANCE").Quantity);
        Assert.Equal(0m, result.OrderBatches.Single().SellAmount);
    }

    [Fact]
    public async Task Edit_TickerNotInTheTransaction_Returns400AndChangesNothing()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 10));
        await Sim.LoginAsync(id);

        using var response = await Sim.SdkAsync(id, "edit", new SdkEdit([Buy("INFY", 1)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([Buy("RELIANCE", 10)], Sim.Truth(id).Securities);
    }

    public static TheoryData<SecurityOrder[], string> InvalidEdits => new()
    {
        { [new SecurityOrder("RELIANCE", 5)], "both quantity and type" },
        { [Buy("RELIANCE", 0)], "securities[0].quantity" },
        { [Buy("RELIANCE", 1), Sell("RELIANCE", 2)], "more than once" },
        { [], "At least one security" },
    };

    [Theory]
    [MemberData(nameof(InvalidEdits))]
    public async Task Edit_InvalidEdit_Returns400NamingTheProblem(SecurityOrder[] edits, string expected)
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 10));
        await Sim.LoginAsync(id);

        using var response = await Sim.SdkAsync(id, "edit", new SdkEdit(edits));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await JsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal([Buy("RELIANCE", 10)], Sim.Truth(id).Securities);
    }

    [Fact]
    public async Task Confirm_CreatedWithoutQuantities_NeedsAnEditFirst()
    {
        var id = await Sim.CreateAsync(new SecurityOrder("RELIANCE"));
        await Sim.LoginAsync(id);

        using var before = await Sim.SdkAsync(id, "confirm");
        await Sim.StepAsync(id, "edit", new SdkEdit([Sell("RELIANCE", 4)]));
        var result = await Sim.ConfirmAsync(id);

        Assert.Equal(HttpStatusCode.Conflict, before.StatusCode);
        Assert.Equal(4, result.OrderBatches.Single().Orders.Single().FilledQuantity);
    }

    [Fact]
    public async Task Cancel_BeforeConfirm_ErroredUserCancelledAndFlowOver()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 10));
        await Sim.LoginAsync(id);

        var cancelled = await Sim.StepAsync(id, "cancel");
        using var confirm = await Sim.SdkAsync(id, "confirm");
        var details = await Sim.DetailsAsync(id);

        Assert.Equal(TransactionStatus.Errored, cancelled.Status);
        Assert.Equal(HttpStatusCode.Conflict, confirm.StatusCode);
        Assert.Equal(TransactionStatus.Errored, details.Status);
        Assert.Equal("user_cancelled", details.Details.Error!.Code);
        Assert.Empty(await Sim.OrderBatchesAsync($"transactionId={id}"));
    }

    [Fact]
    public async Task Open_AfterExpireAt_ErroredTransactionExpired()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 10));
        await Sim.AdvanceAsync(TimeSpan.FromMinutes(16));

        using var response = await Sim.SdkAsync(id, "open");
        var details = await Sim.DetailsAsync(id);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("transaction_expired", (await JsonAsync(response)).GetProperty("code").GetString());
        Assert.Equal(TransactionStatus.Errored, details.Status);
        Assert.Equal(FlowErrors.TransactionExpired, details.Details.Error);
    }

    [Fact]
    public async Task Refresh_TheOrderWindow_ExpiresTheTransactionBeforeExpireAt()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 10));
        await Sim.LoginAsync(id);

        using var response = await Sim.SdkAsync(id, "refresh");
        using var confirm = await Sim.SdkAsync(id, "confirm");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var details = await Sim.DetailsAsync(id);
        Assert.Equal(TransactionStatus.Errored, details.Status);
        Assert.Equal(FlowErrors.OrderWindowRefreshed, details.Details.Error);
        Assert.True(Sim.Running.Clock.GetUtcNow() < Sim.Truth(id).ExpireAt);
        Assert.Equal(1005, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("sdkResult").GetProperty("errorCode").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, confirm.StatusCode);
        Assert.Empty(Sim.Truth(id).Orders.OrderBatches);
    }

    [Fact]
    public async Task Confirm_AfterExpireAt_ErroredTransactionExpiredWithoutOrders()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 10));
        await Sim.LoginAsync(id);
        await Sim.AdvanceAsync(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));

        using var response = await Sim.SdkAsync(id, "confirm");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("transaction_expired", (await Sim.DetailsAsync(id)).Details.Error!.Code);
        Assert.Empty(Sim.Truth(id).Orders.OrderBatches);
        // The SDK's failed envelope carries the numbered error's number.
        var sdkResult = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("sdkResult");
        Assert.False(sdkResult.GetProperty("success").GetBoolean());
        Assert.Equal(1005, sdkResult.GetProperty("errorCode").GetInt32());
        Assert.Equal(JsonValueKind.Null, sdkResult.GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task Abandoned_PastExpireAt_StaysInitializedOrUsed()
    {
        var untouched = await Sim.CreateAsync(Buy("RELIANCE", 1));
        var loggedIn = await Sim.CreateAsync(Buy("ITC", 1));
        await Sim.LoginAsync(loggedIn);

        await Sim.AdvanceAsync(TimeSpan.FromHours(2));

        Assert.Equal(TransactionStatus.Initialized, (await Sim.DetailsAsync(untouched)).Status);
        Assert.Equal(TransactionStatus.Used, (await Sim.DetailsAsync(loggedIn)).Status);
    }

    [Fact]
    public async Task Login_SameBrokerAccountTwice_GetsTheSameSmallcaseAuthId()
    {
        var first = await Sim.CreateAsync(Buy("RELIANCE", 1));
        var second = await Sim.CreateAsync(Buy("ITC", 1));
        var third = await Sim.CreateAsync(Buy("INFY", 1));

        var a = await Sim.LoginAsync(first, accountId: "AB1234");
        var b = await Sim.LoginAsync(second, accountId: "AB1234");
        var c = await Sim.LoginAsync(third, accountId: "ZZ9999");

        Assert.Equal(a.SmallcaseAuthId, b.SmallcaseAuthId);
        Assert.NotEqual(a.SmallcaseAuthId, c.SmallcaseAuthId);
    }

    [Fact]
    public async Task Login_ConnectedUserWithTheirLinkedAccount_Succeeds()
    {
        var first = await Sim.CreateAsync(Buy("RELIANCE", 1));
        var authId = (await Sim.LoginAsync(first, accountId: "AB1234")).SmallcaseAuthId!;
        var connected = Sim.Connected(authId);
        var second = await Sim.CreateAsync(connected, Buy("ITC", 1));

        await Sim.StepAsync(second, "open", token: connected);
        var loggedIn = await Sim.StepAsync(second, "login", token: connected);

        Assert.Equal(TransactionStatus.Used, loggedIn.Status);
        Assert.Equal(authId, loggedIn.SmallcaseAuthId);
        Assert.Equal("kite", loggedIn.Broker);
    }

    [Fact]
    public async Task Login_ConnectedUserWithAnotherBrokerAccount_ErroredUserMismatch()
    {
        var first = await Sim.CreateAsync(Buy("RELIANCE", 1));
        var authId = (await Sim.LoginAsync(first, accountId: "AB1234")).SmallcaseAuthId!;
        var connected = Sim.Connected(authId);
        var second = await Sim.CreateAsync(connected, Buy("ITC", 1));

        await Sim.StepAsync(second, "open", token: connected);
        await Sim.StepAsync(second, "broker", new SdkBrokerChoice("kite"), connected);
        using var response = await Sim.SdkAsync(second, "login", new SdkLogin("ZZ9999"), connected);
        var details = await Sim.DetailsAsync(second, connected);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("user_mismatch", (await JsonAsync(response)).GetProperty("code").GetString());
        Assert.Equal(TransactionStatus.Errored, details.Status);
        Assert.Equal("user_mismatch", details.Details.Error!.Code);
        Assert.Equal(authId, details.SmallcaseAuthId);
    }

    [Fact]
    public async Task Confirm_BeforeLogin_Returns409AndChangesNothing()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.StepAsync(id, "open");

        using var response = await Sim.SdkAsync(id, "confirm");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(TransactionStatus.Initialized, (await Sim.DetailsAsync(id)).Status);
    }

    [Fact]
    public async Task Broker_BeforeOpen_Returns409()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));

        using var response = await Sim.SdkAsync(id, "broker", new SdkBrokerChoice("kite"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Theory]
    [InlineData("kite-leprechaun", "kite-leprechaun")]
    [InlineData("Upstox", "upstox")]
    public async Task Broker_DocumentedKeyOrTestVariant_Accepted(string broker, string expected)
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.StepAsync(id, "open");

        var view = await Sim.StepAsync(id, "broker", new SdkBrokerChoice(broker));

        Assert.Equal(expected, view.Broker);
    }

    [Fact]
    public async Task Broker_UnknownKey_Returns400()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.StepAsync(id, "open");

        using var response = await Sim.SdkAsync(id, "broker", new SdkBrokerChoice("robinhood"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Sdk_AnotherUsersTransaction_Returns404()
    {
        var id = await Sim.CreateAsync(Sim.Connected("aaaaaaaaaaaaaaaaaaaaaaaa"), Buy("RELIANCE", 1));

        using var response = await Sim.SdkAsync(id, "open", token: Sim.Connected("bbbbbbbbbbbbbbbbbbbbbbbb"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(Sim.Truth(id).Opened);
    }

    [Fact]
    public async Task Sdk_InvalidToken_Returns401()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));

        using var response = await Sim.SdkAsync(id, "open", token: new GatewayTokens("other", Sim.Running.Clock).MintGuest());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Confirm_ScriptedSdkError_ErroredWithThatCode()
    {
        var id = await Sim.CreateAsync(Sell("ITC", 50));
        await Sim.SetScenarioAsync(id, new Scenario { ConfirmError = new TransactionError("insufficient_holdings", "Not enough ITC to sell.") });
        await Sim.LoginAsync(id);

        using var response = await Sim.SdkAsync(id, "confirm");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var details = await Sim.DetailsAsync(id);
        Assert.Equal(TransactionStatus.Errored, details.Status);
        Assert.Equal(new TransactionError("insufficient_holdings", "Not enough ITC to sell."), details.Details.Error);
        // An error the SDKs do not number keeps its name in errorCode.
        var sdkResult = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("sdkResult");
        Assert.Equal("insufficient_holdings", sdkResult.GetProperty("errorCode").GetString());
        Assert.Equal("Not enough ITC to sell.", sdkResult.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Confirm_ResolvesWithTheSdkEnvelope_DataIsTheOrderResponseAsAJsonString()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 2));
        await Sim.LoginAsync(id);

        using var response = await Sim.SdkAsync(id, "confirm");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var envelope = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(envelope.GetProperty("success").GetBoolean());
        Assert.Equal("TRANSACTION", envelope.GetProperty("transaction").GetString());
        Assert.Equal(JsonValueKind.Null, envelope.GetProperty("errorCode").ValueKind);
        Assert.Equal(JsonValueKind.String, envelope.GetProperty("data").ValueKind);
        var orders = JsonSerializer.Deserialize<OrderResponse>(envelope.GetProperty("data").GetString()!, GatewayJson.Options)!;
        Assert.Equal(id, orders.TransactionId);
        Assert.Equal("RELIANCE", Assert.Single(Assert.Single(orders.OrderBatches).Orders).Tradingsymbol);
        Assert.True((await new GatewayTokens(Secret, Sim.Running.Clock).VerifyAsync(orders.SmallcaseAuthToken)).IsValid);
    }

    [Theory]
    [InlineData("SL")]
    [InlineData("SL-M")]
    public async Task OrderTypeChosen_StopLoss_WaitsForItsTriggerThenFills(string orderType)
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 2), Sell("INFY", 3));
        await Sim.LoginAsync(id, "kite", "AB1234");

        await Sim.StepAsync(id, "order-type", new SdkOrderTypeChoice("INFY", OrderType.From(orderType)));
        var placed = Assert.Single((await Sim.ConfirmAsync(id)).OrderBatches).Orders;

        var infy = placed.Single(o => o.Tradingsymbol == "INFY");
        Assert.Equal((OrderType.From(orderType), StockOrderStatus.Placed), (infy.OrderType, infy.Status));
        Assert.Equal((OrderType.Market, StockOrderStatus.Complete), placed.Single(o => o.Tradingsymbol == "RELIANCE") is var r ? (r.OrderType, r.Status) : default);
        await Sim.AdvanceAsync(Simulation.ChosenTriggerAfter - TimeSpan.FromMinutes(1));
        Assert.Equal(StockOrderStatus.Placed, Sim.Truth(id).Orders.OrderBatches.Single().Orders.Single(o => o.Tradingsymbol == "INFY").Status);
        await Sim.AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(StockOrderStatus.Complete, Sim.Truth(id).Orders.OrderBatches.Single().Orders.Single(o => o.Tradingsymbol == "INFY").Status);
        Assert.Equal(TransactionStatus.Completed, Sim.Truth(id).Status);
    }

    [Fact]
    public async Task OrderTypeChosen_Limit_StaysOpenUntilTheCloseAndBackToMarketFills()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 2), Buy("ITC", 5));
        await Sim.LoginAsync(id, "groww", "AB1234");

        await Sim.StepAsync(id, "order-type", new SdkOrderTypeChoice("ITC", OrderType.Limit));
        await Sim.StepAsync(id, "order-type", new SdkOrderTypeChoice("RELIANCE", OrderType.Limit));
        await Sim.StepAsync(id, "order-type", new SdkOrderTypeChoice("RELIANCE", OrderType.Market));
        var placed = Assert.Single((await Sim.ConfirmAsync(id)).OrderBatches).Orders;

        Assert.Equal((OrderType.Limit, StockOrderStatus.Placed), placed.Single(o => o.Tradingsymbol == "ITC") is var i ? (i.OrderType, i.Status) : default);
        Assert.Equal((OrderType.Market, StockOrderStatus.Complete), placed.Single(o => o.Tradingsymbol == "RELIANCE") is var r ? (r.OrderType, r.Status) : default);
        await Sim.AdvanceAsync(Ist(2026, 11, 27, 15, 31) - Sim.Now);
        Assert.Equal(StockOrderStatus.Cancelled, Sim.Truth(id).Orders.OrderBatches.Single().Orders.Single(o => o.Tradingsymbol == "ITC").Status);
    }

    [Theory]
    [InlineData("upstox", "ITC", "LIMIT", HttpStatusCode.Conflict)]
    [InlineData("kite", "INFY", "SL", HttpStatusCode.BadRequest)]
    [InlineData("kite", "ITC", "ICEBERG", HttpStatusCode.BadRequest)]
    public async Task OrderTypeChosen_NotOfferedOrNotInTheTransaction_IsRefusedAndChangesNothing(string broker, string ticker, string orderType, HttpStatusCode expected)
    {
        var id = await Sim.CreateAsync(Buy("ITC", 5));
        await Sim.LoginAsync(id, broker, "AB1234");

        using var response = await Sim.SdkAsync(id, "order-type", new SdkOrderTypeChoice(ticker, OrderType.From(orderType)));

        Assert.Equal(expected, response.StatusCode);
        var placed = Assert.Single(Assert.Single((await Sim.ConfirmAsync(id)).OrderBatches).Orders);
        Assert.Equal((OrderType.Market, StockOrderStatus.Complete), (placed.OrderType, placed.Status));
    }
}
