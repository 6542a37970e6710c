using FunctionApp.Api;
using FunctionApp.Hosting;

namespace FunctionApp;

/// <summary>Every function of the app, declared once (see <see cref="FunctionDefinition"/>).</summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<FunctionDefinition> All { get; } =
    [
        new HttpFunction("Health", "health", ["GET"], HealthEndpoint.HandleAsync),
    ];
}
