using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionApp.Hosting;

/// <summary>
/// The Functions host's custom-handler payloads for non-HTTP triggers: it POSTs <c>{Data, Metadata}</c> to
/// <c>/{FunctionName}</c> and reads back <c>{Outputs, Logs, ReturnValue}</c>; a non-2xx answer fails the invocation.
/// </summary>
public sealed record HostInvocationRequest(
    Dictionary<string, JsonElement>? Data,
    Dictionary<string, JsonElement>? Metadata)
{
    /// <summary>The trigger's value as text: a JSON string's content, otherwise the raw JSON.</summary>
    public string? BindingText(string name) =>
        Data is not null && Data.TryGetValue(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    public string? MetadataText(string name) =>
        Metadata is not null && Metadata.TryGetValue(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;
}

public sealed record HostInvocationResponse(
    [property: JsonPropertyName("Outputs")] Dictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue)
{
    public static HostInvocationResponse Empty { get; } = new(new Dictionary<string, object?>(), [], null);

    public static HostInvocationResponse Failed(string log) => new(new Dictionary<string, object?>(), [log], null);
}
