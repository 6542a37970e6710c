using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Client.Json;
using Microsoft.Net.Http.Headers;

namespace FunctionApp.Api;

/// <summary>
/// Reads a bounded JSON request body as raw bytes, for endpoints that must hash or verify exactly what was sent.
/// Only a JSON media type is read: <c>application/json</c> or <c>application/*+json</c>, in UTF-8.
/// </summary>
public static class JsonBody
{
    public enum ReadStatus
    {
        Ok,
        TooLarge,
        Empty,
        UnsupportedMediaType,
    }

    /// <summary>
    /// The platform's own request contracts (<c>POST /api/transactions</c>): the Gateway wire settings, but numbers
    /// must be JSON numbers (<c>"quantity":"5"</c> is malformed). What the Gateway sends stays tolerant (<see cref="GatewayJson.Options"/>).
    /// </summary>
    public static JsonSerializerOptions RequestOptions { get; } = CreateRequestOptions();

    /// <summary>
    /// True for <c>application/json</c> and <c>application/*+json</c> (any case), with no charset or a UTF-8 one;
    /// false for anything else, a missing Content-Type included.
    /// </summary>
    public static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType is not { HasValue: true } type)
        {
            return false;
        }

        var json = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
                && !type.Value.Contains('*', StringComparison.Ordinal));
        if (!json)
        {
            return false;
        }

        var charset = HeaderUtilities.RemoveQuotes(media.Charset);
        return !charset.HasValue
            || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
    }

    public static async Task<(ReadStatus Status, byte[] Bytes)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsJson(request.ContentType))
        {
            return (ReadStatus.UnsupportedMediaType, []);
        }

        if (request.ContentLength > maxBytes)
        {
            return (ReadStatus.TooLarge, []);
        }

        int read;
        if (request.ContentLength is { } length and > 0)
        {
            // The usual case: the size is announced, so read straight into a buffer of that size.
            var exact = new byte[length];
            var filled = 0;
            while (filled < exact.Length && (read = await request.Body.ReadAsync(exact.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
            }

            return filled == exact.Length ? (ReadStatus.Ok, exact) : (ReadStatus.Empty, []);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (ReadStatus.TooLarge, []);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.Length == 0 ? (ReadStatus.Empty, []) : (ReadStatus.Ok, buffer.ToArray());
    }

    public static bool TryParse<T>(byte[] bytes, JsonSerializerOptions options, out T? value, out string? error)
    {
        try
        {
            value = JsonSerializer.Deserialize<T>(bytes, options);
            error = value is null ? "The body must be a JSON object." : null;
            return value is not null;
        }
        catch (JsonException ex)
        {
            value = default;
            error = ex.Path is { Length: > 1 } path ? $"Malformed JSON at {path}." : "Malformed JSON.";
            return false;
        }
    }

    private static JsonSerializerOptions CreateRequestOptions()
    {
        var options = new JsonSerializerOptions(GatewayJson.Options) { NumberHandling = JsonNumberHandling.Strict };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
