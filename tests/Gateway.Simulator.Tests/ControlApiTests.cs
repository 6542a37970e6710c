using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Simulator.Api;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Json;
using Gateway.Simulator.Scenarios;
using static Gateway.Simulator.Tests.TestSimulator;

namespace Gateway.Simulator.Tests;

public sealed class ControlApiTests : SimulatorTestBase
{
    [Fact]
    public async Task Clock_GetThenAdvanceSetAndUnfreeze_ReportsEachChange()
    {
        var initial = await Sim.Http.GetFromJsonAsync<ClockView>("/_sim/clock", SimulatorJson.Control);
        var advanced = await Sim.AdvanceAsync(TimeSpan.FromHours(1));
        var set = await Sim.SetClockAsync(FridayEvening);
        var unfrozen = await Sim.ChangeClockAsync(new ClockChange(Freeze: false));

        Assert.Equal(FridayMorning, initial!.Now);
        Assert.Equal("2026-11-27T11:00:00.000+05:30", initial.NowIst);
        Assert.True(initial.Frozen);
        Assert.True(initial.MarketOpen);
        Assert.Equal(FridayMorning.AddHours(1), advanced.Now);
        Assert.Equal(FridayEvening, set.Now);
        Assert.False(set.MarketOpen);
        Assert.Equal(MondayOpen, set.NextSessionOpen);
        Assert.False(unfrozen.Frozen);
        Assert.True(unfrozen.Now >= FridayEvening);
    }

    [Fact]
    public async Task Clock_EmptyChange_Returns400()
    {
        using var response = await Sim.Http.PostAsync("/_sim/clock", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"outcomes":{"ITC":{"kind":"partial"}}}""", "filledQuantity")]
    [InlineData("""{"webhooks":{"drop":["sometimes"]}}""", "sometimes")]
    [InlineData("""{"webhooks":{"duplicates":0}}""", "duplicates")]
    [InlineData("""{"apiFaults":{"everything":{"status":503}}}""", "everything")]
    [InlineData("""{"apiFaults":{"orders":{"status":200}}}""", "status")]
    [InlineData("""{"orderType":"STOPLOSS"}""", "orderType")]
    public async Task Scenarios_Invalid_Returns400NamingTheProblem(string json, string expected)
    {
        using var response = await Sim.Http.PostAsync("/_sim/scenarios", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(Scenario.Default, Sim.Simulation.DefaultScenario);
    }

    [Fact]
    public async Task Scenarios_UnknownOutcomeKind_Returns400()
    {
        using var response = await Sim.Http.PostAsync(
            "/_sim/scenarios", new StringContent("""{"outcomes":{"ITC":{"kind":"explode"}}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Scenarios_DefaultPostedAsJson_AppliesToTransactionsCreatedAfter()
    {
        var before = await Sim.CreateAsync(Buy("INFY", 1));
        using (var posted = await Sim.Http.PostAsync("/_sim/scenarios", new StringContent(
            """{ "outcomes": { "INFY": { "kind": "reject", "errorCode": "checkHoldings" } } }""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        var after = await Sim.CreateAsync(Buy("INFY", 1));
        var filled = (await Sim.CompleteFlowAsync(before)).OrderBatches.Single().Orders.Single();
        var rejected = (await Sim.CompleteFlowAsync(after)).OrderBatches.Single().Orders.Single();

        Assert.Equal(StockOrderStatus.Complete, filled.Status);
        Assert.Equal(StockOrderStatus.Rejected, rejected.Status);
        Assert.Equal("checkHoldings", rejected.ErrorCode);
    }

    [Fact]
    public async Task TransactionScenario_UnknownTransaction_Returns404()
    {
        using var response = await Sim.Http.PutAsJsonAsync("/_sim/transactions/TRX_nope/scenario", new Scenario(), SimulatorJson.Control);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GroundTruth_OverHttp_ShowsFinalOrdersAndWebhookDeliveries()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 3));
        await Sim.CompleteFlowAsync(id, accountId: "AB1234");
        await Sim.RunDueWorkAsync();

        using var response = await Sim.Http.GetAsync($"/_sim/transactions/{id}");
        var truth = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("COMPLETED", truth.GetProperty("status").GetString());
        Assert.Equal("AB1234", truth.GetProperty("accountId").GetString());
        var order = truth.GetProperty("orders").GetProperty("orderBatches")[0].GetProperty("orders")[0];
        Assert.Equal("COMPLETE", order.GetProperty("status").GetString());
        Assert.Equal(3, order.GetProperty("filledQuantity").GetInt32());
        var webhooks = truth.GetProperty("webhooks");
        Assert.Equal(["placed", "completed"], webhooks.EnumerateArray().Select(w => w.GetProperty("kind").GetString()!).ToArray());
        Assert.All(webhooks.EnumerateArray(), w => Assert.Equal(200, w.GetProperty("attempts")[0].GetProperty("statusCode").GetInt32()));
    }

    [Fact]
    public async Task Reset_ForgetsTransactionsAndRestoresDefaults()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetDefaultScenarioAsync(new Scenario
        {
            AmoAllowed = false,
            ApiFaults = new Dictionary<string, ApiFault> { [ApiNames.OrderDetails] = new() },
        });

        using var reset = await Sim.Http.PostAsync("/_sim/reset", null);
        using var details = await Sim.GetDetailsRawAsync(id);
        var list = await Sim.Http.GetFromJsonAsync<List<TransactionSummary>>("/_sim/transactions", SimulatorJson.Control);

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, details.StatusCode);
        Assert.Empty(list!);
        Assert.Equal(Scenario.Default, Sim.Simulation.DefaultScenario);
        Assert.Empty(Sim.Simulation.Faults.Snapshot());
    }

    [Fact]
    public async Task Tokens_MintedOverHttp_AuthenticateGatewayCalls()
    {
        using var guestResponse = await Sim.Http.PostAsJsonAsync("/_sim/tokens", new TokenRequest(), SimulatorJson.Control);
        var guest = (await guestResponse.Content.ReadFromJsonAsync<TokenView>(SimulatorJson.Control))!.Token;
        using var connectedResponse = await Sim.Http.PostAsJsonAsync("/_sim/tokens", new TokenRequest("dddddddddddddddddddddddd"), SimulatorJson.Control);
        var connected = (await connectedResponse.Content.ReadFromJsonAsync<TokenView>(SimulatorJson.Control))!.Token;

        var id = await Sim.CreateAsync(connected, Buy("RELIANCE", 1));

        Assert.Equal("dddddddddddddddddddddddd", (await Sim.DetailsAsync(id, connected)).SmallcaseAuthId);
        Assert.Equal(TransactionStatus.Initialized, (await Sim.DetailsAsync(id, guest)).Status);
    }
}
