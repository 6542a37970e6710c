using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Client.Json;

/// <summary>
/// A string-valued enumeration from the Gateway that keeps values it does not know.
/// The Gateway adds values without notice; dropping or failing on one would lose an order update.
/// </summary>
public interface IOpenEnumeration<TSelf> where TSelf : struct, IOpenEnumeration<TSelf>
{
    string Value { get; }

    static abstract TSelf From(string value);

    static abstract IReadOnlyList<TSelf> Known { get; }
}

public static class OpenEnumeration
{
    public static bool IsKnown<T>(T value) where T : struct, IOpenEnumeration<T> =>
        T.Known.Contains(value);
}

public sealed class OpenEnumerationConverter<T> : JsonConverter<T> where T : struct, IOpenEnumeration<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        T.From(JsonText.ReadScalar(ref reader) ?? string.Empty);

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }
}
