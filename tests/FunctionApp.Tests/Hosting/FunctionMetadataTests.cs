using System.Text.Json.Nodes;
using FunctionApp.Hosting;
using Microsoft.Extensions.Configuration;

namespace FunctionApp.Tests.Hosting;

public sealed class FunctionMetadataTests
{
    private static readonly IReadOnlyList<FunctionDefinition> Catalog = FunctionCatalog.Create(FunctionCatalog.DefaultWebhookRoute);

    [Fact]
    public void ToFunctionJson_HttpFunction_ForwardsRouteAndMethods()
    {
        var json = FunctionMetadata.ToFunctionJson(new HttpFunction("CreateTransaction", "transactions", ["POST"], () => Results.Ok()));

        var trigger = json["bindings"]![0]!;
        Assert.Equal("httpTrigger", (string?)trigger["type"]);
        Assert.Equal("in", (string?)trigger["direction"]);
        Assert.Equal("anonymous", (string?)trigger["authLevel"]);
        Assert.Equal("transactions", (string?)trigger["route"]);
        Assert.Equal(["post"], trigger["methods"]!.AsArray().Select(m => (string?)m));
        var output = json["bindings"]![1]!;
        Assert.Equal("http", (string?)output["type"]);
        Assert.Equal("out", (string?)output["direction"]);
        Assert.Equal("res", (string?)output["name"]);
    }

    [Fact]
    public void ToFunctionJson_QueueFunction_UsesHostStorageConnection()
    {
        var json = FunctionMetadata.ToFunctionJson(new QueueFunction("TrackerEvents", "tracker-events", typeof(object)));

        var trigger = Assert.Single(json["bindings"]!.AsArray())!;
        Assert.Equal("queueTrigger", (string?)trigger["type"]);
        Assert.Equal("message", (string?)trigger["name"]);
        Assert.Equal("tracker-events", (string?)trigger["queueName"]);
        Assert.Equal("AzureWebJobsStorage", (string?)trigger["connection"]);
    }

    [Fact]
    public void ToFunctionJson_TimerFunction_CarriesSchedule()
    {
        var json = FunctionMetadata.ToFunctionJson(new TimerFunction("Reconcile", "0 */5 * * * *", typeof(object)));

        var trigger = Assert.Single(json["bindings"]!.AsArray())!;
        Assert.Equal("timerTrigger", (string?)trigger["type"]);
        Assert.Equal("timer", (string?)trigger["name"]);
        Assert.Equal("0 */5 * * * *", (string?)trigger["schedule"]);
    }

    [Fact]
    public void WriteAll_AppCatalog_OneFolderPerFunctionMatchingItsDeclaration()
    {
        var root = Directory.CreateTempSubdirectory("function-metadata-").FullName;
        try
        {
            FunctionMetadata.WriteAll(Catalog, root);

            var folders = Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(Catalog.Select(f => f.Name).Order(StringComparer.Ordinal), folders);
            foreach (var function in Catalog)
            {
                var written = JsonNode.Parse(File.ReadAllText(Path.Combine(root, function.Name, "function.json")))!;
                Assert.True(JsonNode.DeepEquals(FunctionMetadata.ToFunctionJson(function), written), function.Name);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AppCatalog_DeclaresTheAppsFunctions()
    {
        Assert.Equal(
            ["CreateSessionToken", "CreateTransaction", "GatewayWebhook", "GetTransaction", "Health", "ListTransactions", "OutboxSweep", "PostSdkResult"],
            Catalog.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal("gateway/webhooks", Catalog.OfType<HttpFunction>().Single(f => f.Name == "GatewayWebhook").Route);
        Assert.All(Catalog.OfType<HttpFunction>().Where(f => f.Name is not ("Health" or "GatewayWebhook")), f => Assert.True(f.RequiresUser, f.Name));
    }

    [Fact]
    public void Create_ConfiguredWebhookRoute_IsTheWebhookFunctionsRoute()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Webhooks:Route"] = "/hooks/smallcase/" })
            .Build();

        var webhook = FunctionCatalog.Create(configuration).OfType<HttpFunction>().Single(f => f.Name == "GatewayWebhook");

        Assert.Equal("hooks/smallcase", webhook.Route);
    }

    [Fact]
    public void AppCatalog_NamesAreUniqueAndValidFunctionNames()
    {
        var names = Catalog.Select(f => f.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(names, name => Assert.Matches("^[A-Za-z][A-Za-z0-9_-]{0,127}$", name));
    }

    [Fact]
    public void AppCatalog_HttpRoutesAreUniquePerMethod()
    {
        var routes = Catalog.OfType<HttpFunction>()
            .SelectMany(f => f.Methods.Select(m => $"{m} {f.Route}"))
            .ToList();

        Assert.Equal(routes.Count, routes.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
