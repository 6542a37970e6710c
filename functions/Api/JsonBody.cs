using System.Text.Json;

namespace FunctionApp.Api;

/// <summary>Reads a bounded request body as raw bytes, for endpoints that must hash or verify exactly what was sent.</summary>
public static class JsonBody
{
    public enum ReadStatus
    {
        Ok,
        TooLarge,
        Empty,
    }

    public static async Task<(ReadStatus Status, byte[] Bytes)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
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
}
