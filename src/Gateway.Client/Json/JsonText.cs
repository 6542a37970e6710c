using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Client.Json;

internal static class JsonText
{
    /// <summary>Reads a string, number or boolean as its text; null for JSON null; throws for objects and arrays.</summary>
    public static string? ReadScalar(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False =>
            Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Expected a string or number, found {reader.TokenType}."),
    };
}

/// <summary>
/// Accepts a string or a number and keeps the number's JSON text exactly as sent,
/// which is what the webhook checksum is computed over.
/// </summary>
public sealed class StringOrNumberConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonText.ReadScalar(ref reader);

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}

/// <summary>
/// The Gateway's <c>errors</c> field: an array of strings (documented), but tolerated as a single string,
/// an array of objects with a message, or null.
/// </summary>
public sealed class ErrorListConverter : JsonConverter<IReadOnlyList<string>?>
{
    public override bool HandleNull => true;

    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartArray:
                var errors = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    errors.Add(ReadOne(ref reader));
                }

                return errors;
            default:
                return [ReadOne(ref reader)];
        }
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string>? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        foreach (var error in value)
        {
            writer.WriteStringValue(error);
        }

        writer.WriteEndArray();
    }

    private static string ReadOne(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            using var element = JsonDocument.ParseValue(ref reader);
            return element.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                ? message.GetString()!
                : element.RootElement.GetRawText();
        }

        return JsonText.ReadScalar(ref reader) ?? string.Empty;
    }
}
