using System.Text.Json.Nodes;
using LocalHost;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace FunctionApp.Tests.Hosting;

/// <summary>
/// The Worker SDK's <c>functions.metadata</c> is what the Functions host serves in Azure; the local host serves what it
/// finds on the same methods. These tests keep the two equal.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly JsonArray Metadata = (JsonArray)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!;

    [Fact]
    public void Metadata_DeclaresTheAppsFunctionsWithTheirTriggers()
    {
        var declared = Metadata.Select(f => $"{(string?)f!["name"]}:{(string?)Trigger(f)["type"]}").Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "ApplyRetention:timerTrigger", "CancelOrder:httpTrigger", "CountStuckTracking:timerTrigger", "CreateSessionToken:httpTrigger", "CreateTransaction:httpTrigger", "GatewayWebhook:httpTrigger", "GetTransaction:httpTrigger",
                "Health:httpTrigger", "ListTransactions:httpTrigger", "OutboxSweep:timerTrigger", "PostSdkResult:httpTrigger",
                "PurgeFinishedTracking:timerTrigger", "ReadGateway:activityTrigger", "RecordTrackerChange:activityTrigger", "ReplayOutcomes:httpTrigger", "TrackTransaction:orchestrationTrigger",
            ],
            declared);
    }

    [Fact]
    public async Task LocalHost_ServesExactlyTheHttpFunctionsTheMetadataDeclares()
    {
        var fromMetadata = Metadata
            .Where(f => (string?)Trigger(f!)["type"] == "httpTrigger")
            .Select(f => Describe((string)f!["name"]!, (string)Trigger(f)["route"]!, Trigger(f)["methods"]!.AsArray().Select(m => (string)m!), (string)Trigger(f)["authLevel"]!));

        await using var app = LocalHostBuilder.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:BaseUrl"] = "http://127.0.0.1:9/",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Gateway:Secret"] = "metadata-test-secret",
            ["Gateway:ApiSecret"] = "metadata-test-api-secret",
            ["UserAuth:DevelopmentSigningKey"] = "metadata-test-key",
        }));
        var served = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpFunctionRoute>() is not null)
            .Select(e => Describe(
                e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName,
                e.RoutePattern.RawText!.TrimStart('/')[$"{HttpFunctionRoute.RoutePrefix}/".Length..],
                e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods,
                e.Metadata.GetMetadata<HttpFunctionRoute>()!.AuthLevel.ToString()));

        Assert.Equal(fromMetadata.Order(StringComparer.Ordinal), served.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void HostJson_DefaultVersion_IsTheOrchestrationVersionTheLocalHostRuns()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")))!;

        Assert.Equal(global::Transactions.Orchestration.TrackingOrchestration.Version, (string?)host["extensions"]!["durableTask"]!["defaultVersion"]);
    }

    [Fact]
    public void Metadata_HttpRoutesAreUniquePerMethod()
    {
        var routes = Metadata.Where(f => (string?)Trigger(f!)["type"] == "httpTrigger")
            .SelectMany(f => Trigger(f!)["methods"]!.AsArray().Select(m => $"{(string?)m} {(string?)Trigger(f!)["route"]}"))
            .ToList();

        Assert.Equal(routes.Count, routes.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    private static JsonNode Trigger(JsonNode function) =>
        function["bindings"]!.AsArray().Single(b => ((string?)b!["type"])!.EndsWith("Trigger", StringComparison.Ordinal))!;

    private static string Describe(string name, string route, IEnumerable<string> methods, string authLevel) =>
        $"{name} {route} [{string.Join(",", methods.Select(m => m.ToUpperInvariant()).Order(StringComparer.Ordinal))}] {authLevel.ToUpperInvariant()}";
}
