using System.Globalization;
using Gateway.Client.Auth;
using Gateway.Simulator.Clock;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Json;
using Gateway.Simulator.Market;
using Gateway.Simulator.Scenarios;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Gateway.Simulator.Api;

/// <summary>A clock change: freeze or unfreeze first, then set, then advance.</summary>
public sealed record ClockChange(TimeSpan? AdvanceBy = null, DateTimeOffset? SetTo = null, bool? Freeze = null);

public sealed record ClockView(DateTimeOffset Now, string NowIst, bool Frozen, bool MarketOpen, DateTimeOffset NextSessionOpen);

public sealed record WebhookSetting(Uri? Url);

public sealed record TokenRequest(string? SmallcaseAuthId = null, TimeSpan? Lifetime = null);

public sealed record TokenView(string Token);

/// <summary>The simulator's own control routes (<c>/_sim</c>), not Gateway routes. Unauthenticated: the simulator listens on loopback only.</summary>
internal static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var sim = routes.MapGroup("/_sim");
        sim.MapGet("/clock", (SimulatorClock clock, MarketCalendar calendar) => Json(ViewOf(clock, calendar)));
        sim.MapPost("/clock", ChangeClockAsync);
        sim.MapPost("/run", async (Simulation simulation, SimulatorClock clock, MarketCalendar calendar, CancellationToken ct) =>
        {
            await simulation.RunDueWorkAsync(ct).ConfigureAwait(false);
            return Json(ViewOf(clock, calendar));
        });

        sim.MapGet("/scenarios", (Simulation simulation) => Json(simulation.DefaultScenario));
        sim.MapPost("/scenarios", (Scenario scenario, Simulation simulation) =>
            Validated(scenario, () =>
            {
                simulation.SetDefaultScenario(scenario);
                return Json(scenario);
            }));
        sim.MapGet("/faults", (Simulation simulation) => Json(simulation.Faults.Snapshot()));

        sim.MapGet("/transactions", (Simulation simulation) => Json(simulation.ListTransactions()));
        sim.MapGet("/transactions/{id}", (string id, Simulation simulation) =>
            simulation.GetTruth(id) is { } truth ? Json(truth) : NotFound(id));
        sim.MapPut("/transactions/{id}/scenario", (string id, Scenario scenario, Simulation simulation) =>
            Validated(scenario, () => simulation.SetScenario(id, scenario) ? Json(scenario) : NotFound(id)));

        sim.MapGet("/webhook", (Simulation simulation) => Json(new WebhookSetting(simulation.WebhookUrl)));
        sim.MapPut("/webhook", (WebhookSetting setting, Simulation simulation) =>
        {
            if (setting.Url is not null && !SimulatorOptions.IsHttpUrl(setting.Url))
            {
                return Results.Problem("url must be an absolute http or https URL, or null to stop webhooks.", statusCode: StatusCodes.Status400BadRequest);
            }

            simulation.WebhookUrl = setting.Url;
            return Json(setting);
        });

        sim.MapPost("/tokens", (TokenRequest? request, GatewayTokens tokens) =>
        {
            var lifetime = request?.Lifetime;
            if (lifetime is { } l && l <= TimeSpan.Zero)
            {
                return Results.Problem("lifetime must be positive.", statusCode: StatusCodes.Status400BadRequest);
            }

            var token = string.IsNullOrWhiteSpace(request?.SmallcaseAuthId)
                ? tokens.MintGuest(lifetime)
                : tokens.MintConnected(request.SmallcaseAuthId, lifetime);
            return Json(new TokenView(token));
        });

        sim.MapPost("/reset", (Simulation simulation) =>
        {
            simulation.Reset();
            return Results.NoContent();
        });
    }

    private static async Task<IResult> ChangeClockAsync(
        ClockChange change, SimulatorClock clock, MarketCalendar calendar, Simulation simulation, ILogger<SimulatorClock> logger, CancellationToken ct)
    {
        if (change.AdvanceBy is null && change.SetTo is null && change.Freeze is null)
        {
            return Results.Problem("Give advanceBy, setTo or freeze.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (change.Freeze is { } freeze)
        {
            clock.Freeze(freeze);
        }

        if (change.SetTo is { } instant)
        {
            clock.SetTo(instant);
        }

        if (change.AdvanceBy is { } delta)
        {
            clock.AdvanceBy(delta);
        }

        var state = clock.State;
        Log.ClockChanged(logger, state.Now, state.Frozen);

        // Moving the clock runs the market: whatever fell due is done before the answer.
        await simulation.RunDueWorkAsync(ct).ConfigureAwait(false);
        return Json(ViewOf(clock, calendar));
    }

    private static ClockView ViewOf(SimulatorClock clock, MarketCalendar calendar)
    {
        var state = clock.State;
        return new ClockView(
            state.Now,
            MarketCalendar.ToIstOffset(state.Now).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
            state.Frozen,
            calendar.IsOpen(state.Now),
            calendar.NextOpen(state.Now));
    }

    private static IResult Validated(Scenario scenario, Func<IResult> apply)
    {
        var problems = scenario.Validate();
        return problems.Count == 0
            ? apply()
            : Results.ValidationProblem(new Dictionary<string, string[]> { ["scenario"] = [.. problems] });
    }

    private static IResult Json<T>(T value) => Results.Json(value, SimulatorJson.Control);

    private static IResult NotFound(string id) =>
        Results.Problem($"Transaction '{id}' was not found.", statusCode: StatusCodes.Status404NotFound, title: "Transaction not found");
}
