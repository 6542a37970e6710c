using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Client.Json;

/// <summary>
/// Serializer settings for the Gateway wire format: strict in what we send (camelCase, nulls omitted),
/// tolerant in what we accept (numbers as strings, unknown fields ignored, case-insensitive names).
/// </summary>
public static class GatewayJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            AllowTrailingCommas = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
