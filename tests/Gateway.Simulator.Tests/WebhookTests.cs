using System.Net;
using System.Net.Http.Json;
using Gateway.Client.Orders;
using Gateway.Client.Webhooks;
using Gateway.Simulator.Api;
using Gateway.Simulator.Json;
using Gateway.Simulator.Scenarios;
using static Gateway.Simulator.Tests.TestSimulator;

namespace Gateway.Simulator.Tests;

public sealed class WebhookTests : SimulatorTestBase
{
    private static Scenario WithWebhooks(WebhookFaults faults) => new() { Webhooks = faults };

    [Fact]
    public async Task Delivery_ReceiverFailsTwice_RetriedAfter15MinutesThen24Hours()
    {
        Sim.Webhooks.StatusFor = hit => hit <= 2 ? 500 : 200;
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetScenarioAsync(id, WithWebhooks(new WebhookFaults { Drop = ["placed"] }));

        await Sim.CompleteFlowAsync(id);
        await Sim.RunDueWorkAsync();
        var afterFirst = Sim.Webhooks.Hits.Count;
        await Sim.AdvanceAsync(TimeSpan.FromMinutes(14));
        var before15Minutes = Sim.Webhooks.Hits.Count;
        await Sim.AdvanceAsync(TimeSpan.FromMinutes(1));
        var after15Minutes = Sim.Webhooks.Hits.Count;
        await Sim.AdvanceAsync(TimeSpan.FromHours(24));

        Assert.Equal([1, 1, 2, 3], new[] { afterFirst, before15Minutes, after15Minutes, Sim.Webhooks.Hits.Count });
        Assert.Single(Sim.Webhooks.Accepted);
        var completed = Sim.Truth(id).Webhooks.Single(w => w.Kind == WebhookKind.Completed);
        Assert.Equal(
            [(1, FridayMorning, 500), (2, FridayMorning.AddMinutes(15), 500), (3, FridayMorning.AddMinutes(15).AddHours(24), 200)],
            completed.Attempts.Select(a => (a.Attempt, a.At, a.StatusCode ?? 0)).ToArray());
        Assert.Empty(completed.PendingAttempts);
        Assert.All(Sim.Webhooks.Hits, hit => Assert.Equal(Sim.Webhooks.Hits[0].RawBody, hit.RawBody));
    }

    [Fact]
    public async Task Delivery_ReceiverAlwaysFails_GivesUpAfterTheThirdRetry()
    {
        Sim.Webhooks.StatusFor = _ => 503;
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetScenarioAsync(id, WithWebhooks(new WebhookFaults { Drop = ["placed"] }));
        await Sim.CompleteFlowAsync(id);

        await Sim.AdvanceAsync(TimeSpan.FromDays(5));

        var completed = Sim.Truth(id).Webhooks.Single(w => w.Kind == WebhookKind.Completed);
        Assert.Equal(
            [FridayMorning, FridayMorning.AddMinutes(15), FridayMorning.AddMinutes(15).AddHours(24), FridayMorning.AddMinutes(15).AddHours(72)],
            completed.Attempts.Select(a => a.At).ToArray());
        Assert.Empty(completed.PendingAttempts);
        Assert.Equal(4, Sim.Webhooks.Hits.Count);
    }

    [Fact]
    public async Task Duplicates_Two_EveryWebhookArrivesTwiceWithTheSameBytes()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetScenarioAsync(id, WithWebhooks(new WebhookFaults { Duplicates = 2 }));

        await Sim.CompleteFlowAsync(id);
        await Sim.RunDueWorkAsync();

        var hits = Sim.Webhooks.Hits;
        Assert.Equal(4, hits.Count);
        Assert.Equal(2, hits.Select(h => h.RawBody).Distinct().Count());
        Assert.All(hits.GroupBy(h => h.RawBody), group => Assert.Equal(2, group.Count()));
        Assert.All(hits, hit => Assert.Equal(ChecksumFailure.None, WebhookChecksum.Verify(hit.Body, [ApiSecret])));
    }

    [Fact]
    public async Task Reorder_CompletedIsDeliveredBeforePlaced()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetScenarioAsync(id, WithWebhooks(new WebhookFaults { Reorder = true }));

        await Sim.CompleteFlowAsync(id);
        await Sim.RunDueWorkAsync();

        Assert.Equal(
            [BatchStatus.Completed, BatchStatus.Placed],
            Sim.Webhooks.Hits.Select(h => h.Body.OrderBatches.Single().Status).ToArray());
    }

    [Fact]
    public async Task Reorder_AfterMarketOrder_PlacedHeldUntilTheCompletedOneGoesOut()
    {
        await Sim.SetClockAsync(FridayEvening);
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetScenarioAsync(id, WithWebhooks(new WebhookFaults { Reorder = true }));

        await Sim.CompleteFlowAsync(id);
        await Sim.RunDueWorkAsync();
        var heldOverTheWeekend = Sim.Webhooks.Hits.Count;
        var held = Sim.Truth(id).Webhooks.Single().Held;
        await Sim.SetClockAsync(MondayOpen);

        Assert.Equal(0, heldOverTheWeekend);
        Assert.True(held);
        Assert.Equal(
            [BatchStatus.Completed, BatchStatus.Placed],
            Sim.Webhooks.Hits.Select(h => h.Body.OrderBatches.Single().Status).ToArray());
        Assert.Equal("2026-11-27T12:30:00.000Z", Sim.Webhooks.Hits[1].Body.Timestamp);
    }

    [Fact]
    public async Task Drop_Placed_OnlyCompletedArrivesAndTheDropIsRecorded()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetScenarioAsync(id, WithWebhooks(new WebhookFaults { Drop = ["placed"] }));

        await Sim.CompleteFlowAsync(id);
        await Sim.RunDueWorkAsync();

        Assert.Equal(BatchStatus.Completed, Assert.Single(Sim.Webhooks.Hits).Body.OrderBatches.Single().Status);
        var placed = Sim.Truth(id).Webhooks.Single(w => w.Kind == WebhookKind.Placed);
        Assert.True(placed.Dropped);
        Assert.Empty(placed.Attempts);
    }

    [Fact]
    public async Task Drop_All_NothingArrives()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetScenarioAsync(id, WithWebhooks(new WebhookFaults { Drop = ["all"] }));

        await Sim.CompleteFlowAsync(id);
        await Sim.AdvanceAsync(TimeSpan.FromDays(3));

        Assert.Empty(Sim.Webhooks.Hits);
        Assert.All(Sim.Truth(id).Webhooks, w => Assert.True(w.Dropped));
    }

    [Fact]
    public async Task Delay_FiveMinutes_DeliveredOnlyWhenTheClockGetsThere()
    {
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.SetScenarioAsync(id, WithWebhooks(new WebhookFaults { Delay = TimeSpan.FromMinutes(5) }));

        await Sim.CompleteFlowAsync(id);
        await Sim.RunDueWorkAsync();
        var beforeDelay = Sim.Webhooks.Hits.Count;
        await Sim.AdvanceAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(0, beforeDelay);
        Assert.Equal(2, Sim.Webhooks.Hits.Count);
        Assert.All(Sim.Webhooks.Hits, hit => Assert.Equal("2026-11-27T05:35:00.000Z", hit.Body.Timestamp));
    }

    [Fact]
    public async Task WebhookUrl_ClearedAndSetAtRuntime_OnlyLaterEventsAreSent()
    {
        using (var cleared = await Sim.Http.PutAsJsonAsync("/_sim/webhook", new WebhookSetting(null), SimulatorJson.Control))
        {
            Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        }

        await Sim.SetClockAsync(FridayEvening);
        var id = await Sim.CreateAsync(Buy("RELIANCE", 1));
        await Sim.CompleteFlowAsync(id);
        await Sim.RunDueWorkAsync();
        var whileCleared = Sim.Webhooks.Hits.Count;

        using (var set = await Sim.Http.PutAsJsonAsync("/_sim/webhook", new WebhookSetting(Sim.Webhooks.Url), SimulatorJson.Control))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        var setting = await Sim.Http.GetFromJsonAsync<WebhookSetting>("/_sim/webhook", SimulatorJson.Control);
        await Sim.SetClockAsync(MondayOpen);

        Assert.Equal(0, whileCleared);
        Assert.Equal(Sim.Webhooks.Url, setting!.Url);
        Assert.Equal(BatchStatus.Completed, Assert.Single(Sim.Webhooks.Hits).Body.OrderBatches.Single().Status);
    }
}
