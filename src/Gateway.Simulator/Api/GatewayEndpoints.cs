using System.Text.Json;
using Gateway.Client.Auth;
using Gateway.Client.Json;
using Gateway.Client.Transactions;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Scenarios;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Simulator.Api;

/// <summary>The three Gateway APIs, on the Gateway's own paths, with its auth rules and envelope.</summary>
internal static class GatewayEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/gateway/{gw}/transaction", CreateTransactionAsync)
            .AddEndpointFilter(new ApiFaultFilter(ApiNames.CreateTransaction));
        routes.MapGet("/v1/{gw}/engine/transactiondetails", TransactionDetailsAsync)
            .AddEndpointFilter(new ApiFaultFilter(ApiNames.TransactionDetails));
        routes.MapGet("/v1/{gw}/engine/orders/sst", OrderDetailsAsync)
            .AddEndpointFilter(new ApiFaultFilter(ApiNames.OrderDetails));
    }

    private static async Task<IResult> CreateTransactionAsync(
        string gw, HttpRequest request, GatewayAuth auth, Simulation simulation, CancellationToken cancellationToken)
    {
        var caller = await auth.AuthenticateApiAsync(request, gw).ConfigureAwait(false);
        if (caller.Claims is not { } claims)
        {
            return GatewayResults.Unauthorized(caller.Failure!);
        }

        CreateTransactionBody? body;
        try
        {
            // Read with the client's own settings: what the client writes, the simulator reads.
            var json = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, GatewayJson.Options, cancellationToken).ConfigureAwait(false);
            if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("intent", out var intent)
                && intent.ValueKind == JsonValueKind.String && intent.GetString() == CancelOrderBody.CancelOrderIntent)
            {
                return CreateCancellation(json.Deserialize<CancelOrderBody>(GatewayJson.Options), claims, simulation);
            }

            body = json.Deserialize<CreateTransactionBody>(GatewayJson.Options);
        }
        catch (JsonException ex)
        {
            return GatewayResults.BadRequest([$"The request body is not valid JSON: {ex.Message}"]);
        }

        var errors = ValidateCreate(body);
        if (errors.Count > 0)
        {
            return GatewayResults.BadRequest(errors);
        }

        var created = simulation.CreateTransaction(new CreateTransactionRequest(body!.OrderConfig.Securities, body.Notes, body.OrderConfig.Basket), claims);
        return GatewayResults.Success(created);
    }

    private static IResult CreateCancellation(CancelOrderBody? body, GatewayTokenClaims claims, Simulation simulation)
    {
        if (body?.OrderConfig is null)
        {
            return GatewayResults.BadRequest(["orderConfig: is required."]);
        }

        var request = new CancelOrderRequest(body.OrderConfig.BatchId, body.OrderConfig.Ticker, body.Notes);
        var errors = TransactionRequestValidator.ValidateCancellation(request).Select(error => $"orderConfig.{error.Field}: {error.Message}").ToList();
        if (errors.Count > 0)
        {
            return GatewayResults.BadRequest(errors);
        }

        var (created, problem) = simulation.CreateCancellation(request, claims);
        return created is null ? GatewayResults.BadRequest([problem!]) : GatewayResults.Success(created);
    }

    private static async Task<IResult> TransactionDetailsAsync(
        string gw, string? transactionId, HttpRequest request, GatewayAuth auth, Simulation simulation)
    {
        var caller = await auth.AuthenticateApiAsync(request, gw).ConfigureAwait(false);
        if (caller.Claims is not { } claims)
        {
            return GatewayResults.Unauthorized(caller.Failure!);
        }

        if (string.IsNullOrWhiteSpace(transactionId))
        {
            return GatewayResults.BadRequest(["transactionId is required."]);
        }

        return simulation.GetDetails(transactionId, claims) is { } details
            ? GatewayResults.Success(details)
            : GatewayResults.Failure(StatusCodes.Status404NotFound, GatewayErrorTypes.NotFound, [$"Transaction '{transactionId}' was not found."]);
    }

    private static async Task<IResult> OrderDetailsAsync(
        string gw, string? transactionId, string? batchId, HttpRequest request, GatewayAuth auth, Simulation simulation)
    {
        var caller = await auth.AuthenticateApiAsync(request, gw).ConfigureAwait(false);
        if (caller.Claims is not { } claims)
        {
            return GatewayResults.Unauthorized(caller.Failure!);
        }

        var transactionIds = SplitIds(transactionId);
        var batchIds = SplitIds(batchId);
        if (transactionIds.Count == 0 && batchIds.Count == 0)
        {
            return GatewayResults.BadRequest(["transactionId or batchId is required."]);
        }

        return GatewayResults.Success(new OrderDetails { OrderBatches = simulation.GetCompletedBatches(transactionIds, batchIds, claims) });
    }

    private static HashSet<string> SplitIds(string? ids) =>
        new((ids ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);

    /// <summary>The Gateway's checks on a create body, with the client's validator for the securities.</summary>
    private static List<string> ValidateCreate(CreateTransactionBody? body)
    {
        if (body is null)
        {
            return ["A request body is required."];
        }

        var errors = new List<string>();
        if (!string.Equals(body.Intent, CreateTransactionBody.TransactionIntent, StringComparison.Ordinal))
        {
            errors.Add($"intent: must be {CreateTransactionBody.TransactionIntent}.");
        }

        if (body.OrderConfig is null)
        {
            errors.Add("orderConfig: is required.");
            return errors;
        }

        if (!string.Equals(body.OrderConfig.Type, TransactionOrderConfig.SecuritiesType, StringComparison.Ordinal))
        {
            errors.Add($"orderConfig.type: must be {TransactionOrderConfig.SecuritiesType}.");
        }

        var request = new CreateTransactionRequest(body.OrderConfig.Securities, body.Notes, body.OrderConfig.Basket);
        errors.AddRange(TransactionRequestValidator.Validate(request).Select(error => error.Field switch
        {
            "" => error.Message,
            var field when field.StartsWith("securities", StringComparison.Ordinal) || field.StartsWith("basket", StringComparison.Ordinal) => $"orderConfig.{field}: {error.Message}",
            var field => $"{field}: {error.Message}",
        }));
        return errors;
    }
}
