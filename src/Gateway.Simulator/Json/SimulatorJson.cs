using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Client.Json;

namespace Gateway.Simulator.Json;

/// <summary>
/// Serializer settings. Both start from <see cref="GatewayJson.Options"/>, the client's wire settings, so the
/// simulator and the client read and write the same shapes.
/// </summary>
public static class SimulatorJson
{
    /// <summary>
    /// What the simulated Gateway sends. Two differences from the client's settings, both to look like the
    /// Gateway's samples: null fields are written (<c>"errors": null</c>, <c>"errorCode": null</c>), and instants
    /// are UTC with milliseconds and a <c>Z</c> (<c>2026-11-24T08:32:34.213Z</c>). Characters such as <c>&amp;</c> and
    /// <c>+</c> are written as themselves, not as <c>&</c> escapes.
    /// </summary>
    public static JsonSerializerOptions Wire { get; } = CreateWire();

    /// <summary>
    /// The simulator's own control and SDK routes (also applied to ASP.NET Core's JSON options): the wire settings,
    /// enums as camelCase names, and nullable annotations enforced so a missing required field is a 400.
    /// </summary>
    public static JsonSerializerOptions Control { get; } = CreateControl();

    /// <summary>The Gateway's instant format.</summary>
    public static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static void ApplyControlSettings(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.NumberHandling = JsonNumberHandling.AllowReadingFromString;
        options.AllowTrailingCommas = true;
        options.ReadCommentHandling = JsonCommentHandling.Skip;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // JSON APIs, never embedded in HTML: write '+', '&' and quotes as themselves.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.RespectNullableAnnotations = true;
        options.Converters.Add(new UtcInstantConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }

    private static JsonSerializerOptions CreateWire()
    {
        var options = new JsonSerializerOptions(GatewayJson.Options)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new UtcInstantConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static JsonSerializerOptions CreateControl()
    {
        var options = new JsonSerializerOptions(GatewayJson.Options);
        ApplyControlSettings(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class UtcInstantConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(FormatInstant(value));
    }
}
