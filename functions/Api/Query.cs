namespace FunctionApp.Api;

internal static class Query
{
    /// <summary>A query parameter given once (null when absent; a repeated one is refused like a malformed one).</summary>
    public static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) ? (values.Count == 1 ? values[0] : string.Empty) : null;
}
