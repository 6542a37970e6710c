using System.Text.Json;
using System.Text.Json.Nodes;

namespace FunctionApp.Hosting;

/// <summary>Writes the <c>function.json</c> files the Functions host needs, one folder per function.</summary>
public static class FunctionMetadata
{
    /// <summary>The storage connection setting every storage trigger uses (the host's own storage).</summary>
    public const string StorageConnection = "AzureWebJobsStorage";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject ToFunctionJson(FunctionDefinition function) => function switch
    {
        HttpFunction http => Bindings(
            new JsonObject
            {
                ["type"] = "httpTrigger",
                ["direction"] = "in",
                ["name"] = "req",
                // The app authenticates users itself; function keys would only add a shared secret to every app.
                ["authLevel"] = "anonymous",
                ["methods"] = new JsonArray([.. http.Methods.Select(m => JsonValue.Create(m.ToLowerInvariant()))]),
                ["route"] = http.Route,
            },
            new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
        QueueFunction queue => Bindings(new JsonObject
        {
            ["type"] = "queueTrigger",
            ["direction"] = "in",
            ["name"] = "message",
            ["queueName"] = queue.QueueName,
            ["connection"] = StorageConnection,
        }),
        TimerFunction timer => Bindings(new JsonObject
        {
            ["type"] = "timerTrigger",
            ["direction"] = "in",
            ["name"] = "timer",
            ["schedule"] = timer.Schedule,
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(function), function.GetType().Name, "Unknown function kind."),
    };

    public static void WriteAll(IEnumerable<FunctionDefinition> functions, string scriptRoot)
    {
        ArgumentNullException.ThrowIfNull(functions);
        foreach (var function in functions)
        {
            var folder = Path.Combine(scriptRoot, function.Name);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "function.json"), ToFunctionJson(function).ToJsonString(Indented) + "\n");
        }
    }

    private static JsonObject Bindings(params JsonObject[] bindings) =>
        new() { ["bindings"] = new JsonArray([.. bindings]) };
}
