using System.Text.Json;
using Gateway.Client.Auth;
using Gateway.Client.Orders;
using Gateway.Client.Sdk;
using Gateway.Client.Transactions;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Simulator.Api;

public sealed record SdkBrokerChoice(string Broker);

public sealed record SdkLogin(string? AccountId);

public sealed record SdkEdit(IReadOnlyList<SecurityOrder> Securities);

public sealed record SdkOrderTypeChoice(string Ticker, OrderType OrderType);

/// <summary>
/// The simulator's own routes for what the user does in the SDK screens (not Gateway routes). Authenticated with the
/// auth token the app initialises the SDK with. Confirm answers what the SDK resolves with (<see cref="SdkResult"/>). A
/// step that ends the flow with an SDK error answers 422 with the error's <c>code</c> and, in <c>sdkResult</c>, the
/// SDK's failed envelope; a step that is impossible in the current state answers 409 and changes nothing.
/// </summary>
internal static class SdkEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var sdk = routes.MapGroup("/_sdk/transactions/{id}");
        sdk.MapPost("/open", (string id, HttpRequest request, GatewayAuth auth, Simulation simulation) =>
            StepAsync(request, auth, caller => simulation.Open(id, caller)));
        sdk.MapPost("/broker", (string id, SdkBrokerChoice choice, HttpRequest request, GatewayAuth auth, Simulation simulation) =>
            StepAsync(request, auth, caller => simulation.ChooseBroker(id, choice.Broker, caller)));
        sdk.MapPost("/login", (string id, SdkLogin? login, HttpRequest request, GatewayAuth auth, Simulation simulation) =>
            StepAsync(request, auth, caller => simulation.Login(id, login?.AccountId, caller)));
        sdk.MapPost("/edit", (string id, SdkEdit edit, HttpRequest request, GatewayAuth auth, Simulation simulation) =>
            StepAsync(request, auth, caller => simulation.Edit(id, edit.Securities, caller)));
        sdk.MapPost("/order-type", (string id, SdkOrderTypeChoice choice, HttpRequest request, GatewayAuth auth, Simulation simulation) =>
            StepAsync(request, auth, caller => simulation.ChooseOrderType(id, choice.Ticker, choice.OrderType, caller)));
        sdk.MapPost("/confirm", (string id, HttpRequest request, GatewayAuth auth, Simulation simulation) =>
            StepAsync(request, auth, caller => simulation.Confirm(id, caller)));
        sdk.MapPost("/refresh", (string id, HttpRequest request, GatewayAuth auth, Simulation simulation) =>
            StepAsync(request, auth, caller => simulation.Refresh(id, caller)));
        sdk.MapPost("/cancel", (string id, HttpRequest request, GatewayAuth auth, Simulation simulation) =>
            StepAsync(request, auth, caller => simulation.Cancel(id, caller)));
    }

    private static async Task<IResult> StepAsync(HttpRequest request, GatewayAuth auth, Func<GatewayTokenClaims, SdkStepResult> step)
    {
        var caller = await auth.AuthenticateTokenAsync(request).ConfigureAwait(false);
        if (caller.Claims is not { } claims)
        {
            return Results.Problem(caller.Failure, statusCode: StatusCodes.Status401Unauthorized, title: "Invalid auth token");
        }

        var result = step(claims);
        return result.Status switch
        {
            // After confirm the SDK resolves with its envelope: the order response, in the Gateway's wire format, as a JSON string.
            SdkStepStatus.Done when result.Orders is { } orders => Results.Json(SdkResult.Succeeded(JsonSerializer.Serialize(orders, SimulatorJson.Wire)), SimulatorJson.Wire),
            SdkStepStatus.Done => Results.Json(result.View, SimulatorJson.Control),
            SdkStepStatus.NotFound => Results.Problem(result.Problem, statusCode: StatusCodes.Status404NotFound, title: "Transaction not found"),
            SdkStepStatus.Invalid => Results.Problem(result.Problem, statusCode: StatusCodes.Status400BadRequest, title: "Invalid step input"),
            SdkStepStatus.NotAllowed => Results.Problem(
                result.Problem, statusCode: StatusCodes.Status409Conflict, title: "Step not possible now",
                extensions: new Dictionary<string, object?> { ["transactionStatus"] = result.View?.Status.Value }),
            _ => Results.Problem(
                result.Problem, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The SDK ended the flow with an error",
                extensions: new Dictionary<string, object?>
                {
                    ["code"] = result.View?.Error?.Code,
                    ["transactionStatus"] = result.View?.Status.Value,
                    ["sdkResult"] = result.View?.Error?.Code is { Length: > 0 } code ? SdkResult.Failed(code, result.View.Error.Message) : null,
                }),
        };
    }
}
