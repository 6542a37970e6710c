using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FunctionApp.Tests.Infrastructure;

/// <summary>A response read to the end, so assertions never race the client's disposal.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string? MediaType, string Body, HttpResponseHeaders Headers)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        using (response)
        {
            return new ApiResponse(
                response.StatusCode,
                response.Content.Headers.ContentType?.MediaType,
                await response.Content.ReadAsStringAsync(),
                response.Headers);
        }
    }

    /// <summary>Asserts the status, with the body in the failure message.</summary>
    public ApiResponse AssertStatus(HttpStatusCode expected)
    {
        Assert.True(Status == expected, $"expected HTTP {(int)expected}, got {(int)Status}: {Body}");
        return this;
    }

    /// <summary>Asserts an RFC 9457 problem with <paramref name="expected"/> as its status, and returns it.</summary>
    public JsonElement AssertProblem(HttpStatusCode expected)
    {
        AssertStatus(expected);
        Assert.Equal("application/problem+json", MediaType);
        var problem = Json;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>Asserts a 400 validation problem whose <c>errors</c> name exactly <paramref name="fields"/>.</summary>
    public JsonElement AssertValidationProblem(params string[] fields)
    {
        var problem = AssertProblem(HttpStatusCode.BadRequest);
        var named = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(fields.Order(StringComparer.Ordinal), named);
        return problem;
    }
}
