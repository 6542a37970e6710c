using System.Diagnostics;
using Bench.Counting;
using Bench.Hosting;
using FunctionApp.Hosting;
using FunctionApp.Tracking;
using Gateway.Simulator;
using Gateway.Simulator.Scenarios;
using Microsoft.Extensions.DependencyInjection;
using TestSupport;
using Transactions.Tracking;

namespace Bench.Measures;

/// <summary>How the tracker got to a final state with every webhook lost.</summary>
/// <param name="Steps">Each wake: simulated time since confirm and the Gateway calls it made.</param>
public sealed record PollingResult(
    string Variant,
    TrackerPhase Phase,
    int Polls,
    IReadOnlyDictionary<string, int> Calls,
    TimeSpan SimulatedTimeToFinal,
    IReadOnlyList<string> Steps);

/// <summary>
/// Measure 3b: a basket whose webhooks are all dropped (scenario <c>webhooks.drop: all</c>), confirmed in market hours,
/// with production tracker timings. The shared clock is frozen and moved from wake-up to wake-up, so simulated
/// hours pass in real seconds: either the timer the tracker scheduled is delivered at its due time (what the queue's
/// visibility delay does in production), or every timer is lost and only the reconciler (run after its
/// <see cref="TrackerReconcilerFunction.LostAfter"/>) brings the transaction back.
/// </summary>
public static class PollingFallback
{
    private const int MaxWakes = 40;
    private static readonly TimeSpan StepDeadline = TimeSpan.FromSeconds(20);

    public static async Task<IReadOnlyList<PollingResult>> RunAsync(AzuriteFixture azurite, CancellationToken cancellationToken)
    {
        await using var app = await InProcessApp.StartAsync(
            azurite,
            "benchpoll",
            new Dictionary<string, string?>(),
            new SimulatorOptions { ClockStart = InProcessApp.MarketHours, FreezeClock = true },
            cancellationToken);
        app.Simulator.Simulation.SetDefaultScenario(new Scenario { Webhooks = new WebhookFaults { Drop = ["all"] } });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return
        [
            await RunVariantAsync(app, http, "timers delivered when due", reconcilerOnly: false, cancellationToken),
            await RunVariantAsync(app, http, "every timer lost: reconciler only", reconcilerOnly: true, cancellationToken),
        ];
    }

    private static async Task<PollingResult> RunVariantAsync(InProcessApp app, HttpClient http, string variant, bool reconcilerOnly, CancellationToken cancellationToken)
    {
        var clock = app.Simulator.Clock;
        var created = await app.CreateTransactionAsync(http, $"poll-user-{(reconcilerOnly ? "r" : "t")}", TransactionCost.Basket, cancellationToken);
        await app.CompleteSdkFlowAsync(http, created, cancellationToken);
        var confirmedAt = clock.GetUtcNow();
        var gatewayMark = app.Gateway.Count;
        var steps = new List<string>();

        for (var wake = 1; wake <= MaxWakes; wake++)
        {
            var state = await ReadStateAsync(app, created.TransactionId, cancellationToken);
            if (state.Phase.IsTerminal())
            {
                var calls = app.Gateway.Since(gatewayMark);
                var polls = calls.Where(c => c.Key != GatewayCallCounter.Create).Sum(c => c.Value);
                return new PollingResult(variant, state.Phase, polls, calls, (state.FinishedAt ?? clock.GetUtcNow()) - confirmedAt, steps);
            }

            var due = state.NextWakeAt ?? throw new InvalidOperationException($"Transaction {created.TransactionId} is {state.Phase} with no wake-up scheduled.");
            var callsBefore = app.Gateway.Count;
            if (reconcilerOnly)
            {
                clock.SetTo(Later(clock.GetUtcNow(), due + TrackerReconcilerFunction.LostAfter));
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    await scope.ServiceProvider.GetRequiredService<TrackerReconcilerFunction>()
                        .HandleAsync(new TimerInvocation("TrackerReconciler", IsPastDue: false), cancellationToken);
                }

                // The re-armed timer is due now: the app's own queue listener picks it up.
                await WaitForVersionAfterAsync(app, created.TransactionId, state.Version, cancellationToken);
            }
            else
            {
                clock.SetTo(Later(clock.GetUtcNow(), due));
                await app.Services.GetRequiredService<TransactionTracker>()
                    .FireTimerAsync(new TrackerTimerMessage(created.TransactionId, state.Version, due), cancellationToken);
            }

            var made = app.Gateway.Since(callsBefore);
            steps.Add($"+{Format(clock.GetUtcNow() - confirmedAt)}: {(made.Count == 0 ? "no call" : string.Join(", ", made.Select(c => $"{c.Key} ×{c.Value}")))}");
        }

        throw new InvalidOperationException($"Transaction {created.TransactionId} was not final after {MaxWakes} wake-ups.");
    }

    private static async Task<TrackedTransaction> ReadStateAsync(InProcessApp app, string transactionId, CancellationToken cancellationToken)
    {
        var stored = await app.Probe.GetAsync(transactionId, cancellationToken)
            ?? throw new InvalidOperationException($"Transaction {transactionId} has no row.");
        return TrackerStateJson.Deserialize(stored.Record.StateJson);
    }

    private static async Task WaitForVersionAfterAsync(InProcessApp app, string transactionId, long version, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < StepDeadline)
        {
            var state = await ReadStateAsync(app, transactionId, cancellationToken);
            if (state.Version > version)
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"The re-armed timer of {transactionId} was not processed within {StepDeadline.TotalSeconds} s.");
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    public static string Format(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes:00} min" : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min {span.Seconds:00} s" : $"{span.TotalSeconds:0.#} s";
}
