using System.Text.Json;

namespace Gateway.Client.Tests;

/// <summary>Compares two JSON documents property by property: same names, same kinds, same values, nothing extra.</summary>
internal static class JsonAssert
{
    public static void Equal(string expectedJson, string? actualJson)
    {
        Assert.NotNull(actualJson);
        using var expected = JsonDocument.Parse(expectedJson);
        using var actual = JsonDocument.Parse(actualJson);
        Equal(expected.RootElement, actual.RootElement, "$");
    }

    private static void Equal(JsonElement expected, JsonElement actual, string path)
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{path}: expected a {expected.ValueKind}, found a {actual.ValueKind} ({actual.GetRawText()}).");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var expectedNames = expected.EnumerateObject().Select(p => p.Name).ToList();
                var actualNames = actual.EnumerateObject().Select(p => p.Name).ToList();
                Assert.True(expectedNames.SequenceEqual(actualNames), $"{path}: expected properties [{string.Join(", ", expectedNames)}], found [{string.Join(", ", actualNames)}].");
                foreach (var property in expected.EnumerateObject())
                {
                    Equal(property.Value, actual.GetProperty(property.Name), $"{path}.{property.Name}");
                }

                break;
            case JsonValueKind.Array:
                Assert.True(expected.GetArrayLength() == actual.GetArrayLength(), $"{path}: expected {expected.GetArrayLength()} items, found {actual.GetArrayLength()}.");
                for (var i = 0; i < expected.GetArrayLength(); i++)
                {
                    Equal(expected[i], actual[i], $"{path}[{i}]");
                }

                break;
            case JsonValueKind.String:
                Assert.True(expected.GetString() == actual.GetString(), $"{path}: expected \"{expected.GetString()}\", found \"{actual.GetString()}\".");
                break;
            case JsonValueKind.Number:
                Assert.True(expected.GetRawText() == actual.GetRawText(), $"{path}: expected {expected.GetRawText()}, found {actual.GetRawText()}.");
                break;
        }
    }
}
