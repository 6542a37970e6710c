using System.Globalization;
using TestSupport;

namespace Bench.Hosting;

/// <summary>The environment a published app process gets (the function app reads it; the baseline ignores it).</summary>
public static class ProcessSettings
{
    /// <param name="gateway">The Gateway (a simulator) to use; null starts the app's embedded simulator, as <c>run</c> does.</param>
    /// <param name="createStorage">The app creates missing tables and queues at start (false: they exist, as the infrastructure creates them).</param>
    public static Dictionary<string, string> For(AzuriteFixture azurite, string namePrefix, Uri? gateway, bool createStorage = true)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage__NamePrefix"] = namePrefix,
            ["Storage__CreateMissingResources"] = createStorage ? "true" : "false",
            ["Gateway__BaseUrl"] = gateway?.ToString() ?? string.Empty,
            ["Gateway__Name"] = "demo-gateway",
            ["Gateway__Secret"] = InProcessApp.Secret,
            ["Gateway__ApiSecret"] = InProcessApp.ApiSecret,
            ["Simulator__ClockStart"] = InProcessApp.MarketHours.ToString("O", CultureInfo.InvariantCulture),
            ["UserAuth__DevelopmentSigningKey"] = InProcessApp.UserSigningKey,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        return settings;
    }
}
