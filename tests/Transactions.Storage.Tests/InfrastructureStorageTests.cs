using System.Text.RegularExpressions;
using TestSupport;

namespace Transactions.Storage.Tests;

/// <summary>
/// The infrastructure creates every table and queue (infra/main.bicep; FunctionApp.Tests' InfrastructureStorageNamesTests
/// keeps its lists equal to the app's), so the deployed app does not create them at each start.
/// </summary>
public sealed partial class InfrastructureStorageTests
{
    [Fact]
    public void FunctionAppBicep_TurnsOffCreatingMissingResources()
    {
        var template = File.ReadAllText(Path.Combine(RepoRoot.Path, "infra", "modules", "functionapp.bicep"));

        Assert.Matches(CreateMissingResourcesOff(), template);
    }

    [GeneratedRegex(@"name: 'Storage__CreateMissingResources'\s+value: 'false'")]
    private static partial Regex CreateMissingResourcesOff();
}
