using System.Text.Json;
using Gateway.Client.Json;

namespace Transactions.Tracking;

/// <summary>
/// The JSON form of <see cref="TrackedTransaction"/> for storage: <see cref="GatewayJson.Options"/> (camelCase, nulls
/// omitted, open enumerations as their text, tracker enums by name, decimals exact).
/// </summary>
public static class TrackerStateJson
{
    public static JsonSerializerOptions Options => GatewayJson.Options;

    public static string Serialize(TrackedTransaction state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return JsonSerializer.Serialize(state, Options);
    }

    /// <exception cref="JsonException">The text is not a tracked transaction.</exception>
    public static TrackedTransaction Deserialize(string json)
    {
        ArgumentException.ThrowIfNullOrEmpty(json);
        return JsonSerializer.Deserialize<TrackedTransaction>(json, Options)
            ?? throw new JsonException("A tracked transaction cannot be null.");
    }
}
