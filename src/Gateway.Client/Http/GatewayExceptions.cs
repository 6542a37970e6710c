using System.Net;
using System.Text;
using Gateway.Client.Transactions;

namespace Gateway.Client.Http;

public enum GatewayOperation
{
    CreateTransaction,
    GetTransactionDetails,
    GetOrderDetails,
}

/// <summary>
/// Why a Gateway call failed. <see cref="Timeout"/>, <see cref="Transport"/> and <see cref="Unavailable"/> are worth
/// trying again later; for <see cref="GatewayOperation.CreateTransaction"/> they also mean the outcome is unknown
/// (except a connection that never opened), so never re-create blindly.
/// </summary>
public enum GatewayFailureKind
{
    /// <summary>No answer within the attempt or overall timeout.</summary>
    Timeout,

    /// <summary>The connection failed or broke; no HTTP status was received.</summary>
    Transport,

    /// <summary>HTTP 5xx, 408 or 429: the Gateway is failing or busy.</summary>
    Unavailable,

    /// <summary>HTTP 401 or 403: the API secret or the auth token was not accepted.</summary>
    Unauthorized,

    /// <summary>Another HTTP 4xx, or <c>success:false</c> whatever the status.</summary>
    Rejected,

    /// <summary>A 2xx answer that is not the documented envelope: not JSON, no data, or an unexpected status code.</summary>
    InvalidResponse,
}

/// <summary>
/// A Gateway call that did not produce a usable answer. The message and the lists never contain the API secret or the
/// auth token (they are masked should the Gateway echo them).
/// </summary>
public sealed class GatewayApiException : Exception
{
    public GatewayApiException(
        GatewayOperation operation,
        GatewayFailureKind kind,
        HttpStatusCode? statusCode,
        string? errorType,
        IReadOnlyList<string>? errors,
        Exception? innerException = null)
        : base(Describe(operation, kind, statusCode, errorType, errors), innerException)
    {
        Operation = operation;
        Kind = kind;
        StatusCode = statusCode;
        ErrorType = errorType;
        Errors = errors ?? [];
    }

    public GatewayOperation Operation { get; }

    public GatewayFailureKind Kind { get; }

    /// <summary>The HTTP status, when one was received.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The Gateway's <c>errorType</c>, when it sent one.</summary>
    public string? ErrorType { get; }

    /// <summary>The Gateway's <c>errors</c>; empty when it sent none.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>True for the kinds worth retrying later: <see cref="GatewayFailureKind.Timeout"/>, <see cref="GatewayFailureKind.Transport"/>, <see cref="GatewayFailureKind.Unavailable"/>.</summary>
    public bool IsTransient => Kind is GatewayFailureKind.Timeout or GatewayFailureKind.Transport or GatewayFailureKind.Unavailable;

    private static string Describe(
        GatewayOperation operation, GatewayFailureKind kind, HttpStatusCode? statusCode, string? errorType, IReadOnlyList<string>? errors)
    {
        var text = new StringBuilder($"Gateway {operation} failed ({kind})");
        if (statusCode is { } status)
        {
            text.Append($", HTTP {(int)status}");
        }

        if (!string.IsNullOrEmpty(errorType))
        {
            text.Append($", errorType '{errorType}'");
        }

        if (errors is { Count: > 0 })
        {
            text.Append($": {string.Join("; ", errors)}");
        }

        return text.Append('.').ToString();
    }
}

/// <summary>A transaction request that failed validation; nothing was sent to the Gateway.</summary>
public sealed class GatewayValidationException : Exception
{
    public GatewayValidationException(IReadOnlyList<ValidationError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<ValidationError> Errors { get; }

    private static string Describe(IReadOnlyList<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return "The transaction request is invalid: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"));
    }
}
