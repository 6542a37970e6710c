using System.Net;
using System.Net.Http.Json;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Json;
using Gateway.Simulator.Scenarios;
using static Gateway.Simulator.Tests.TestSimulator;

namespace Gateway.Simulator.Tests;

/// <summary>Delivery runs driven by the test alone: the background pump is off.</summary>
public sealed class DeliveryRunTests : SimulatorTestBase
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override SimulatorOptions Configure(SimulatorOptions options) => options with { PumpInterval = TimeSpan.Zero };

    public override async Task DisposeAsync()
    {
        release.TrySetResult();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task RunDueWork_CancelledWhileSending_DeliveryIsSentAgainByTheNextRun()
    {
        Sim.Webhooks.BeforeAnswer = () => release.Task;
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetScenarioAsync(id, new Scenario { Webhooks = new WebhookFaults { Drop = ["placed"] } });
        await Sim.CompleteFlowAsync(id);

        using var cancel = new CancellationTokenSource();
        var run = Sim.Running.RunDueWorkAsync(cancel.Token);
        await WaitUntilAsync(() => Sim.Webhooks.Hits.Count == 1);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var attemptsAfterCancel = Completed(id).Attempts.Count;
        release.TrySetResult();
        await Sim.RunDueWorkAsync();

        Assert.Equal(0, attemptsAfterCancel);
        Assert.Equal(2, Sim.Webhooks.Hits.Count);
        var attempt = Assert.Single(Completed(id).Attempts);
        Assert.Equal(200, attempt.StatusCode);
    }

    [Fact]
    public async Task Reset_WhileADeliveryIsInFlight_NoRetryIsScheduledForIt()
    {
        Sim.Webhooks.BeforeAnswer = () => release.Task;
        Sim.Webhooks.StatusFor = _ => 500;
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetScenarioAsync(id, new Scenario { Webhooks = new WebhookFaults { Drop = ["placed"] } });
        await Sim.CompleteFlowAsync(id);

        var run = Sim.RunDueWorkAsync();
        await WaitUntilAsync(() => Sim.Webhooks.Hits.Count == 1);
        Sim.Simulation.Reset();
        release.TrySetResult();
        await run;
        await Sim.AdvanceAsync(TimeSpan.FromDays(4));

        Assert.Single(Sim.Webhooks.Hits);
        Assert.Empty(Sim.Simulation.ListTransactions());
    }

    [Fact]
    public async Task RunOverHttp_DeliversWhatIsDue()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.CompleteFlowAsync(id);
        var beforeRun = Sim.Webhooks.Hits.Count;

        using var response = await Sim.Http.PostAsync("/_sim/run", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, beforeRun);
        Assert.Equal(2, Sim.Webhooks.Hits.Count);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/hooks")]
    [InlineData("/relative/hooks")]
    public async Task WebhookUrl_NotAnHttpUrl_Returns400(string url)
    {
        using var response = await Sim.Http.PutAsJsonAsync("/_sim/webhook", new { url }, SimulatorJson.Control);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Sim.Webhooks.Url, Sim.Simulation.WebhookUrl);
    }

    private WebhookTruth Completed(string transactionId) =>
        Sim.Truth(transactionId).Webhooks.Single(w => w.Kind == WebhookKind.Completed);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
