using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;

namespace Transactions.Contracts;

/// <summary>How the events are written (camelCase, nulls omitted), and the JSON Schema of each event type.</summary>
public static class OutcomeEventJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>The JSON Schema (draft 2020-12) of an event of <paramref name="eventType"/>, envelope included, generated from the records.</summary>
    public static JsonNode Schema(string eventType)
    {
        var dataType = OutcomeEventTypes.DataTypes[eventType];
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(Options, typeof(OutcomeEvent<>).MakeGenericType(dataType), new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = Describe,
        });
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"https://smallcase-gateway.example/schemas/{eventType}.schema.json",
            ["title"] = eventType,
        };
        foreach (var (name, value) in schema.AsObject().ToList())
        {
            schema.AsObject().Remove(name);
            root[name] = value;
        }

        root["properties"]!["type"]!.AsObject()["const"] = eventType;
        OmittedWhenNull(root);
        return root;
    }

    /// <summary>A property that may be null is left out of the JSON, so it is not required.</summary>
    private static void OmittedWhenNull(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            array.ToList().ForEach(OmittedWhenNull);
            return;
        }

        if (node is not JsonObject schema)
        {
            return;
        }

        if (schema["properties"] is JsonObject properties && schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => r!.GetValue<string>()).ToList())
            {
                if (properties[name]?["type"] is JsonArray types && types.Any(t => t!.GetValue<string>() == "null"))
                {
                    required.Remove(required.First(r => r!.GetValue<string>() == name));
                }
            }
        }

        schema.Select(p => p.Value).ToList().ForEach(OmittedWhenNull);
    }

    /// <summary>The committed schema of <paramref name="eventType"/>, as shipped in this assembly.</summary>
    public static string CommittedSchema(string eventType)
    {
        using var stream = typeof(OutcomeEventJson).Assembly.GetManifestResourceStream($"Schemas/{eventType}.schema.json")
            ?? throw new ArgumentException($"No committed schema for '{eventType}'.", nameof(eventType));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The schema as it is committed: indented, one trailing newline.</summary>
    public static string SchemaText(string eventType) =>
        Schema(eventType).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    private static JsonNode Describe(JsonSchemaExporterContext context, JsonNode schema)
    {
        var attributes = context.PropertyInfo?.AttributeProvider ?? (context.Path.IsEmpty ? context.TypeInfo.Type : null);
        if (attributes?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false).FirstOrDefault() is DescriptionAttribute description
            && schema is JsonObject node)
        {
            node.Insert(0, "description", description.Description);
        }

        return schema;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
