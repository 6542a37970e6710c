using Gateway.Client.Transactions;

namespace FunctionApp.Api;

/// <summary>RFC 9457 Problem Details for every error the app-facing API returns.</summary>
public static class ApiProblems
{
    public static IResult Validation(IEnumerable<ValidationError> errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field, StringComparer.Ordinal)
                .ToDictionary(g => g.Key.Length == 0 ? "body" : g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal),
            title: "The request is invalid.");

    public static IResult Validation(string field, string message) => Validation([new ValidationError(field, message)]);

    public static IResult Status(int status, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    public static IResult NotFound(string what) => Status(StatusCodes.Status404NotFound, $"{what} was not found.");

    /// <summary>Storage or another dependency failed: the caller should retry; nothing was lost.</summary>
    public static IResult Unavailable(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Temporarily unavailable; retry later.");
}
