using System.Diagnostics;
using System.Globalization;
using Bench.Counting;
using Bench.Hosting;
using Gateway.Simulator;
using Gateway.Simulator.Scenarios;
using TestSupport;
using Transactions.Tracking;

namespace Bench.Measures;

/// <summary>One basket tracked with every webhook lost.</summary>
/// <param name="GatewayReads">The Gateway reads from confirm until the final outcome was published, by API.</param>
/// <param name="ToFinal">Real time from the confirm's answer until the final outcome was read from the outcomes queue.</param>
/// <param name="FirstPollAfterExpireAt">When the first read came, against the create answer's <c>expireAt</c> (negative: before it).</param>
public sealed record LostWebhooksRun(IReadOnlyDictionary<string, int> GatewayReads, TimeSpan ToFinal, TimeSpan FirstPollAfterExpireAt, TrackerPhase Phase)
{
    public int Reads => GatewayReads.Values.Sum();
}

/// <param name="SdkResultPosted">Whether the platform's app posted the SDK's answer (a signal to the tracking) after the confirm.</param>
/// <param name="ScheduledToFinal">The scaled timings the time to final is made of on this path (the rest is the runtime's own delay).</param>
/// <param name="ScheduledFirstRead">The same for the first read against expireAt.</param>
public sealed record LostWebhooksCase(string Name, bool SdkResultPosted, TimeSpan ScheduledToFinal, TimeSpan ScheduledFirstRead, int Scale, IReadOnlyList<LostWebhooksRun> Runs)
{
    /// <summary>What a measured span would be at production timings: its scheduled part at full length, the runtime's delays as measured.</summary>
    public TimeSpan ToFinalAtProduction(TimeSpan real) => real + (Scale - 1) * ScheduledToFinal;

    public TimeSpan FirstReadAtProduction(TimeSpan real) => real + (Scale - 1) * ScheduledFirstRead;
}

/// <param name="Scale">Every tracker timing and the Gateway's transaction lifetime were divided by it.</param>
public sealed record LostWebhooksResult(int Scale, TimeSpan Lifetime, TrackerTimings Timings, IReadOnlyList<LostWebhooksCase> Cases);

/// <summary>
/// Measure 3, every webhook lost: a 3-stock market-order basket created through the app and confirmed in the
/// simulator's SDK flow in market hours, the simulator dropping every webhook (scenario <c>webhooks.drop: all</c>);
/// once with the SDK's answer posted to the app, once without, so the tracking learns everything by polling. Durable
/// timers run in real time, so the tracker's timings and the transaction's lifetime are all divided by <see cref="Scale"/>.
/// </summary>
public static class LostWebhooks
{
    public const int Scale = 60;

    private const string NamePrefix = "benchlost";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public static async Task<LostWebhooksResult> RunAsync(AzuriteFixture azurite, int runs, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var timings = Scaled(TrackerTimings.Default);
        var lifetime = new SimulatorOptions().TransactionLifetime / Scale;
        var settings = new Dictionary<string, string?>(DurableSettings.AsDeployed().AsConfiguration());
        foreach (var (name, value) in Settings(timings))
        {
            settings[$"Tracker:{name}"] = value.ToString("c", CultureInfo.InvariantCulture);
        }

        await using var app = await InProcessApp.StartAsync(
            azurite, NamePrefix, settings, new SimulatorOptions { ClockStart = InProcessApp.MarketHours, TransactionLifetime = lifetime }, cancellationToken);
        app.Simulator.Simulation.SetDefaultScenario(new Scenario { Webhooks = new WebhookFaults { Drop = ["all"] } });
        await using var outcomes = new OutcomeWatch(app.StorageConnectionString, NamePrefix);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        var cases = new List<LostWebhooksCase>();
        foreach (var (name, postSdkResult) in new[] { ("SDK result posted", true), ("SDK result never posted: polling only", false) })
        {
            // With the SDK result, a read after the signal's read delay finds COMPLETED; without, the first read is the expiry check.
            var (scheduledToFinal, scheduledFirstRead) = postSdkResult
                ? (timings.SignalReadDelay + timings.ConfirmDelay, timings.SignalReadDelay - lifetime)
                : (lifetime + timings.ExpiryGrace + timings.ConfirmDelay, timings.ExpiryGrace);
            var results = new List<LostWebhooksRun>();
            for (var run = 1; run <= runs; run++)
            {
                var result = await RunOnceAsync(app, outcomes, http, $"lost-user-{(postSdkResult ? "s" : "p")}{run}", postSdkResult, cancellationToken);
                log($"  {name}, run {run}: {result.Reads} Gateway reads, final after {result.ToFinal.TotalSeconds:0.0} s, first read at expireAt {AgainstExpiry(result.FirstPollAfterExpireAt)}");
                results.Add(result);
            }

            cases.Add(new LostWebhooksCase(name, postSdkResult, scheduledToFinal, scheduledFirstRead, Scale, results));
        }

        return new LostWebhooksResult(Scale, lifetime, timings, cases);
    }

    private static async Task<LostWebhooksRun> RunOnceAsync(InProcessApp app, OutcomeWatch outcomes, HttpClient http, string userId, bool postSdkResult, CancellationToken cancellationToken)
    {
        var created = await app.CreateTransactionAsync(http, userId, TransactionCost.Basket, cancellationToken);
        var gatewayMark = app.Gateway.Count;
        var sdkResult = await app.CompleteSdkFlowAsync(http, created, cancellationToken);
        var confirmedAt = Stopwatch.GetTimestamp();
        if (postSdkResult)
        {
            await app.PostSdkResultAsync(http, userId, created.TransactionId, sdkResult, cancellationToken);
        }

        var finalSeenAt = await outcomes.FinalSeenAsync(created.TransactionId, Patience, cancellationToken);
        var reads = app.Gateway.CallsSince(gatewayMark);
        var state = await app.Probe.GetAsync(created.TransactionId, cancellationToken) is { } stored
            ? TrackerStateJson.Deserialize(stored.Record.StateJson)
            : throw new InvalidOperationException($"Transaction {created.TransactionId} has no row.");

        // The counter notes the system clock; expireAt is on the simulator's, which runs at the same rate from another start.
        var simulatorAhead = app.Simulator.Clock.GetUtcNow() - DateTimeOffset.UtcNow;
        var firstRead = reads.Count > 0 ? reads[0].At + simulatorAhead : throw new InvalidOperationException($"Transaction {created.TransactionId} became final with no Gateway read.");
        return new LostWebhooksRun(
            reads.GroupBy(r => r.Api, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            Stopwatch.GetElapsedTime(confirmedAt, finalSeenAt),
            firstRead - created.ExpireAt,
            state.Phase);
    }

    /// <summary>The tracker timings that schedule a tracking, divided by <see cref="Scale"/>. <c>LateStart</c> (a guard against a slow first run) and the storage retries keep their values.</summary>
    private static TrackerTimings Scaled(TrackerTimings production) => production with
    {
        SignalReadDelay = production.SignalReadDelay / Scale,
        BackoffInitial = production.BackoffInitial / Scale,
        BackoffMax = production.BackoffMax / Scale,
        PollRetryInitial = production.PollRetryInitial / Scale,
        PollRetryMax = production.PollRetryMax / Scale,
        ExpiryGrace = production.ExpiryGrace / Scale,
        ConfirmDelay = production.ConfirmDelay / Scale,
        SessionOpenDelay = production.SessionOpenDelay / Scale,
        AfterCloseDelay = production.AfterCloseDelay / Scale,
    };

    private static IEnumerable<(string Name, TimeSpan Value)> Settings(TrackerTimings timings) =>
    [
        (nameof(timings.SignalReadDelay), timings.SignalReadDelay),
        (nameof(timings.BackoffInitial), timings.BackoffInitial),
        (nameof(timings.BackoffMax), timings.BackoffMax),
        (nameof(timings.PollRetryInitial), timings.PollRetryInitial),
        (nameof(timings.PollRetryMax), timings.PollRetryMax),
        (nameof(timings.ExpiryGrace), timings.ExpiryGrace),
        (nameof(timings.ConfirmDelay), timings.ConfirmDelay),
        (nameof(timings.SessionOpenDelay), timings.SessionOpenDelay),
        (nameof(timings.AfterCloseDelay), timings.AfterCloseDelay),
    ];

    public static string AgainstExpiry(TimeSpan span) => $"{(span < TimeSpan.Zero ? "−" : "+")} {Math.Abs(span.TotalSeconds):0.0} s";
}
