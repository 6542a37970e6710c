using System.Text.Json.Serialization;
using Gateway.Simulator.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator.Api;

/// <summary>
/// The Gateway's response envelope as written: <c>errors</c> and <c>data</c> always present (null when empty),
/// <c>errorType</c> only on failures. Read back with the client's <c>GatewayEnvelope&lt;T&gt;</c>.
/// </summary>
internal sealed record WireEnvelope<T>(
    bool Success,
    IReadOnlyList<string>? Errors,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorType,
    T? Data);

/// <summary>[assume] The <c>errorType</c> values the simulator uses; the real set is not documented.</summary>
public static class GatewayErrorTypes
{
    /// <summary>401: wrong gateway name, API secret or auth token.</summary>
    public const string Authentication = "AuthenticationError";

    /// <summary>400: the request is malformed or fails validation.</summary>
    public const string Input = "InputException";

    /// <summary>404: no such transaction, or another user's.</summary>
    public const string NotFound = "NotFoundError";

    /// <summary>An injected API fault.</summary>
    public const string SimulatedFault = "SimulatedFault";
}

internal static class GatewayResults
{
    public static IResult Success<T>(T data) =>
        Results.Json(new WireEnvelope<T>(true, null, null, data), SimulatorJson.Wire, statusCode: StatusCodes.Status200OK);

    public static IResult Failure(int statusCode, string errorType, IReadOnlyList<string> errors) =>
        Results.Json(new WireEnvelope<object>(false, errors, errorType, null), SimulatorJson.Wire, statusCode: statusCode);

    public static IResult Unauthorized(string failure) =>
        Failure(StatusCodes.Status401Unauthorized, GatewayErrorTypes.Authentication, [failure]);

    public static IResult BadRequest(IReadOnlyList<string> errors) =>
        Failure(StatusCodes.Status400BadRequest, GatewayErrorTypes.Input, errors);
}
