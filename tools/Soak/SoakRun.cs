using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using FunctionApp.Tests.Infrastructure;
using FunctionApp.Tests.Tracking;
using FunctionApp.Tracking;
using Gateway.Client.Auth;
using Gateway.Client.Json;
using Gateway.Client.Sdk;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Scenarios;
using TestSupport;
using Transactions.Storage;

namespace Soak;

/// <summary>
/// One soak run: starts every planned transaction, lets simulated time pass until all are final (or the bound
/// expires), then compares each with the simulator's ground truth.
/// </summary>
internal sealed class SoakRun(AppHarness harness, AzuriteFixture azurite, SoakOptions options, HttpRequestCounter counter) : IDisposable
{
    /// <summary>How far the shared clock moves per round: about the tracker's shortest back-off.</summary>
    private static readonly TimeSpan ClockStep = TimeSpan.FromMinutes(1);

    /// <summary>How long a round waits for the app to work through its queues before moving the clock anyway.</summary>
    private static readonly TimeSpan QuietWait = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Real time between rounds: the tracker's durable timers run in real time, so each simulated minute lasts at least
    /// this long (market hours and the webhook timestamp window then hold for the whole run).
    /// </summary>
    private static readonly TimeSpan RoundPause = TimeSpan.FromSeconds(1);

    private static readonly GatewayTokenClaims GuestCaller = new(Guest: true, SmallcaseAuthId: null);
    private static readonly string[] FinalStatuses = ["Completed", "Failed", "Expired"];

    private readonly HttpClient http = new() { BaseAddress = harness.BaseUri, Timeout = TimeSpan.FromMinutes(1) };

    /// <summary>Reads the app's storage directly on Azurite, not through the counted proxies.</summary>
    private readonly StorageClients direct = new(new StorageOptions { ConnectionString = azurite.ConnectionString, NamePrefix = harness.NamePrefix });

    private readonly Random apiFaults = new(options.Seed + 1);
    private readonly ConcurrentBag<string> driverErrors = [];

    private Simulation Simulation => harness.Simulator.Simulation;

    public async Task<SoakResult> RunAsync(CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var random = new Random(options.Seed);
        var plans = Enumerable.Range(0, options.Count).Select(i => SoakPlanner.Plan(random, i)).ToList();
        var ids = new string?[plans.Count];
        Console.WriteLine($"Starting {plans.Count} transactions, {options.Concurrency} at a time (seed {options.Seed})");
        await Parallel.ForEachAsync(
            plans,
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
            async (plan, ct) => ids[plan.Index] = await StartAsync(plan, ct));
        var started = ids.Count(id => id is not null);
        Console.WriteLine($"Started {started} in {elapsed.Elapsed:mm\\:ss}; letting simulated time pass");

        var final = await LetTimePassAsync(started, elapsed, cancellationToken);
        Console.WriteLine($"{final} of {started} final at {elapsed.Elapsed:mm\\:ss}; checking against the ground truth");
        counter.Stop();
        var gatewayCalls = counter.Count(harness.Simulator.BaseUri.Port);
        var storage = new StorageCounts(
            counter.Count(harness.Tables.Port),
            counter.Count(harness.Queues.Port),
            counter.ByMethod(harness.Tables.Port),
            counter.ByMethod(harness.Queues.Port));
        var checks = await CheckAsync(plans, ids, cancellationToken);
        return new SoakResult(plans, checks, [.. driverErrors], gatewayCalls, storage, elapsed.Elapsed);
    }

    public void Dispose() => http.Dispose();

    /// <summary>Creates the transaction through the app, scripts the simulator, and plays the user's part in the SDK.</summary>
    private async Task<string?> StartAsync(TransactionPlan plan, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/transactions")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { securities = plan.Securities }, GatewayJson.Options), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AppHarness.UserToken(plan.UserId));
            request.Headers.Add("Idempotency-Key", $"soak-{options.Seed}-{plan.Index}");
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"create answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            var id = (await response.Content.ReadFromJsonAsync<CreatedTransactionJson>(GatewayJson.Options, cancellationToken))!.TransactionId;
            if (!Simulation.SetScenario(id, plan.Scenario))
            {
                throw new InvalidOperationException($"the simulator does not know {id}");
            }

            await PlayUserAsync(plan, id, cancellationToken);
            return id;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or JsonException)
        {
            driverErrors.Add($"#{plan.Index}: {e.Message}");
            return null;
        }
    }

    private async Task PlayUserAsync(TransactionPlan plan, string id, CancellationToken cancellationToken)
    {
        switch (plan.Journey)
        {
            case Journey.NeverOpens:
                return;
            case Journey.Cancels:
                Step(Simulation.Open(id, GuestCaller), SdkStepStatus.Done);
                if (plan.Index % 2 == 0)
                {
                    LogIn(id);
                }

                Step(Simulation.Cancel(id, GuestCaller), SdkStepStatus.Done);
                await ReportErrorAsync(plan, id, "user_cancelled", cancellationToken);
                return;
            case Journey.AbandonsAfterLogin:
                Step(Simulation.Open(id, GuestCaller), SdkStepStatus.Done);
                LogIn(id);
                return;
            case Journey.ConfirmRefused:
                Step(Simulation.Open(id, GuestCaller), SdkStepStatus.Done);
                LogIn(id);
                Step(Simulation.Confirm(id, GuestCaller), SdkStepStatus.FlowEnded);
                await ReportErrorAsync(plan, id, "insufficient_holdings", cancellationToken);
                return;
            case Journey.Confirms:
                Step(Simulation.Open(id, GuestCaller), SdkStepStatus.Done);
                LogIn(id);
                var confirmed = Step(Simulation.Confirm(id, GuestCaller), SdkStepStatus.Done);
                if (plan.ReportsSdkResult)
                {
                    await PostSdkResultAsync(plan, id, JsonSerializer.Serialize(confirmed.Orders, GatewayJson.Options), cancellationToken);
                }

                return;
            default:
                throw new InvalidOperationException($"Unknown journey {plan.Journey}.");
        }
    }

    private void LogIn(string id)
    {
        Step(Simulation.ChooseBroker(id, "kite", GuestCaller), SdkStepStatus.Done);
        Step(Simulation.Login(id, null, GuestCaller), SdkStepStatus.Done);
    }

    private static SdkStepResult Step(SdkStepResult result, SdkStepStatus expected) =>
        result.Status == expected ? result : throw new InvalidOperationException($"SDK step answered {result.Status} ({result.Problem}), expected {expected}");

    private Task ReportErrorAsync(TransactionPlan plan, string id, string code, CancellationToken cancellationToken) =>
        plan.ReportsSdkResult
            ? PostSdkResultAsync(plan, id, JsonSerializer.Serialize(SdkResult.Failed(code, code), GatewayJson.Options), cancellationToken)
            : Task.CompletedTask;

    private async Task PostSdkResultAsync(TransactionPlan plan, string id, string json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/transactions/{id}/sdk-result")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AppHarness.UserToken(plan.UserId));
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"sdk-result answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>
    /// Rounds of: wait for the app to send what it has saved, then move the simulated market's clock a minute and run
    /// what fell due in the simulator (fills, webhooks). The tracker's own timers run in real time with short settings.
    /// API faults are armed now and then. Ends when every transaction is final or the bound is reached.
    /// </summary>
    private async Task<int> LetTimePassAsync(int expected, Stopwatch elapsed, CancellationToken cancellationToken)
    {
        var startedAt = harness.Simulator.Clock.GetUtcNow();
        for (var round = 0; ; round++)
        {
            await WaitForQuietQueuesAsync(cancellationToken);
            var final = await CountFinalAsync(cancellationToken);
            if (final >= expected || elapsed.Elapsed > options.Timeout)
            {
                await WaitForQuietQueuesAsync(cancellationToken);
                return final;
            }

            if (round % 10 == 0)
            {
                Console.WriteLine($"  {elapsed.Elapsed:mm\\:ss} simulated +{(harness.Simulator.Clock.GetUtcNow() - startedAt).TotalMinutes:0} min: {final} of {expected} final");
            }

            ArmApiFaultSometimes();
            await Task.Delay(RoundPause, cancellationToken);
            await MoveClockAsync(ClockStep, cancellationToken);
        }
    }

    private async Task MoveClockAsync(TimeSpan by, CancellationToken cancellationToken)
    {
        harness.Simulator.Clock.AdvanceBy(by);
        await harness.Simulator.RunDueWorkAsync(cancellationToken);
    }

    /// <summary>Gateway 5xx on the details APIs: a burst of 1-8 failing calls, whichever transactions make them.</summary>
    private void ArmApiFaultSometimes()
    {
        if (apiFaults.NextDouble() >= 0.3)
        {
            return;
        }

        var api = apiFaults.Next(2) == 0 ? ApiNames.TransactionDetails : ApiNames.OrderDetails;
        int[] statuses = [500, 502, 503];
        Simulation.Faults.Arm(new Dictionary<string, ApiFault>
        {
            [api] = new() { Kind = ApiFaultKind.Status, Status = statuses[apiFaults.Next(statuses.Length)], Count = apiFaults.Next(1, 9) },
        });
    }

    /// <summary>Until no saved outcome event is waiting to be sent (bounded: the clock moves on regardless).</summary>
    private async Task WaitForQuietQueuesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Eventually.Until(
                async () => !await AnyUnpublishedAsync(cancellationToken),
                QuietWait,
                "the outbox to drain");
        }
        catch (TimeoutException)
        {
            // Busy: move on; the next round waits again.
        }
    }

    /// <summary>A scan of the outbox rows: fine for the soak's few hundred transactions; the app keeps no index of events in flight.</summary>
    private async Task<bool> AnyUnpublishedAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in direct.Table(TableNames.Transactions).QueryAsync<TableEntity>("Published eq false", maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            return true;
        }

        return false;
    }

    private async Task<int> CountFinalAsync(CancellationToken cancellationToken)
    {
        var final = 0;
        await foreach (var row in direct.Table(TableNames.Transactions).QueryAsync<TableEntity>("RowKey eq 'tx'", select: ["Status"], cancellationToken: cancellationToken))
        {
            final += FinalStatuses.Contains(row.GetString("Status")) ? 1 : 0;
        }

        return final;
    }

    private async Task<IReadOnlyList<TransactionCheck>> CheckAsync(IReadOnlyList<TransactionPlan> plans, string?[] ids, CancellationToken cancellationToken)
    {
        var events = (await ReadOutcomeEventsAsync(cancellationToken)).ToLookup(e => e.Subject);
        var checks = new ConcurrentBag<TransactionCheck>();
        await Parallel.ForEachAsync(
            plans.Where(plan => ids[plan.Index] is not null),
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
            async (plan, ct) =>
            {
                var id = ids[plan.Index]!;
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/transactions/{id}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AppHarness.UserToken(plan.UserId));
                using var response = await http.SendAsync(request, ct);
                response.EnsureSuccessStatusCode();
                var view = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                checks.Add(TransactionCheck.Of(plan, id, view, Simulation.GetTruth(id)!, [.. events[id]]));
            });
        return [.. checks.OrderBy(c => c.Plan.Index)];
    }

    /// <summary>Every event on the outcomes queue (messages are CloudEvents batches), each received once (hidden for the rest of the run, not deleted).</summary>
    private async Task<IReadOnlyList<OutcomeEvent>> ReadOutcomeEventsAsync(CancellationToken cancellationToken)
    {
        var queue = direct.Queue(QueueNames.TransactionOutcomes);
        var events = new List<OutcomeEvent>();
        while (true)
        {
            QueueMessage[] messages = await queue.ReceiveMessagesAsync(32, TimeSpan.FromHours(1), cancellationToken);
            if (messages.Length == 0)
            {
                return events;
            }

            events.AddRange(messages.SelectMany(m => OutcomeEvent.ParseBatch(m.MessageText)));
        }
    }
}

/// <param name="TableMethods">Table requests by HTTP method (GET reads and queries, POST inserts, PUT replaces, PATCH merges).</param>
/// <param name="QueueMethods">Queue requests by HTTP method (GET receives, POST sends, DELETE deletes, PUT updates).</param>
internal sealed record StorageCounts(long TableRequests, long QueueRequests, string TableMethods, string QueueMethods)
{
    public long Total => TableRequests + QueueRequests;
}
