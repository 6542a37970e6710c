using System.Net;
using System.Net.Http.Json;
using Gateway.Client.Transactions;
using Gateway.Simulator.Api;
using Gateway.Simulator.Json;
using Gateway.Simulator.Scenarios;
using static Gateway.Simulator.Tests.TestSimulator;

namespace Gateway.Simulator.Tests;

public sealed class ApiFaultTests : SimulatorTestBase
{
    protected override SimulatorOptions Configure(SimulatorOptions options) => options with { MaxApiHang = TimeSpan.FromSeconds(10) };

    private static Scenario Faults(string api, ApiFault fault) => new() { ApiFaults = new Dictionary<string, ApiFault> { [api] = fault } };

    [Fact]
    public async Task TransactionDetails_Two503sArmed_FailTwiceThenAnswer()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetDefaultScenarioAsync(Faults(ApiNames.TransactionDetails, new ApiFault { Status = 503, Count = 2 }));

        using var first = await Sim.GetDetailsRawAsync(id);
        using var second = await Sim.GetDetailsRawAsync(id);
        using var third = await Sim.GetDetailsRawAsync(id);

        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK], [first.StatusCode, second.StatusCode, third.StatusCode]);
        var failure = await EnvelopeAsync<TransactionDetails>(first);
        Assert.False(failure.Success);
        Assert.Equal(GatewayErrorTypes.SimulatedFault, failure.ErrorType);
        Assert.True((await EnvelopeAsync<TransactionDetails>(third)).Success);
        Assert.Empty(Sim.Simulation.Faults.Snapshot());
    }

    [Fact]
    public async Task CreateTransaction_500Armed_FailedCallCreatesNothing()
    {
        await Sim.SetDefaultScenarioAsync(Faults(ApiNames.CreateTransaction, new ApiFault { Status = 500 }));

        using var failed = await Sim.PostCreateAsync(Body(Buy("RELIANCE", 1)));
        var created = await Sim.CreateAsync(Buy("RELIANCE", 1));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(created, Assert.Single(Sim.Simulation.ListTransactions()).TransactionId);
    }

    [Fact]
    public async Task OrderDetails_FaultArmedOnATransactionsScenario_AppliesToTheNextCall()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetScenarioAsync(id, Faults(ApiNames.OrderDetails, new ApiFault { Status = 502 }));

        using var failed = await Sim.GetOrdersRawAsync($"transactionId={id}");
        using var answered = await Sim.GetOrdersRawAsync($"transactionId={id}");

        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task TransactionDetails_TimeoutArmed_ClientGivesUpThenTheNextCallAnswers()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetDefaultScenarioAsync(Faults(ApiNames.TransactionDetails, new ApiFault { Kind = ApiFaultKind.Timeout }));
        using var impatient = new HttpClient { BaseAddress = Sim.Running.BaseUri, Timeout = TimeSpan.FromMilliseconds(300) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/{GatewayName}/engine/transactiondetails?transactionId={id}");
        request.Headers.Add(GatewayAuth.SecretHeader, ApiSecret);
        request.Headers.Add(GatewayAuth.TokenHeader, Sim.Guest());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient.SendAsync(request));
        using var next = await Sim.GetDetailsRawAsync(id);

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task TransactionDetails_SlowArmed_AnswersNormallyAndConsumesTheFault()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetDefaultScenarioAsync(Faults(ApiNames.TransactionDetails, new ApiFault { Kind = ApiFaultKind.Slow, Duration = TimeSpan.FromMilliseconds(50) }));
        var armed = Sim.Simulation.Faults.Snapshot();

        var details = await Sim.DetailsAsync(id);

        Assert.Equal(ApiFaultKind.Slow, armed[ApiNames.TransactionDetails].Fault.Kind);
        Assert.Equal(id, details.TransactionId);
        Assert.Empty(Sim.Simulation.Faults.Snapshot());
    }

    [Fact]
    public async Task Faults_ListedOverHttp_WithCallsLeft()
    {
        await Sim.SetDefaultScenarioAsync(Faults(ApiNames.OrderDetails, new ApiFault { Status = 503, Count = 3 }));

        var armed = await Sim.Http.GetFromJsonAsync<Dictionary<string, ArmedApiFault>>("/_sim/faults", SimulatorJson.Control);

        Assert.Equal(3, armed![ApiNames.OrderDetails].Remaining);
    }
}
