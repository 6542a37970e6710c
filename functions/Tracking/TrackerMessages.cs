using System.Text.Json;

namespace FunctionApp.Tracking;

/// <summary>
/// On <c>tracker-timers</c>: wake the tracker at <see cref="DueAt"/> for state <see cref="Version"/>. A timer for an
/// older version is stale and does nothing; one due beyond the queue's 7-day visibility limit is chained.
/// </summary>
public sealed record TrackerTimerMessage(string TransactionId, long Version, DateTimeOffset DueAt);

public static class TrackerMessageJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize<T>(T message) => JsonSerializer.Serialize(message, Options);

    /// <summary>Null for a message that is not valid JSON of the expected shape (it can never succeed: drop it).</summary>
    public static T? TryDeserialize<T>(string text) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
