using System.Text.RegularExpressions;
using TestSupport;

namespace Transactions.Storage.Tests;

/// <summary>
/// Deployed, the app does not create its tables and queues (Storage__CreateMissingResources=false): infra/main.bicep
/// must create every one of them, or the first request that needs a missing one fails in production only.
/// </summary>
public sealed partial class InfrastructureStorageTests
{
    [Fact]
    public void MainBicep_CreatesEveryTableTheAppUses()
    {
        Assert.Empty(TableNames.All.Except(BicepList("tableNames"), StringComparer.Ordinal));
    }

    [Fact]
    public void MainBicep_CreatesEveryQueueTheAppUses()
    {
        Assert.Empty(QueueNames.All.Except(BicepList("queueNames"), StringComparer.Ordinal));
    }

    [Fact]
    public void FunctionAppBicep_TurnsOffCreatingMissingResources()
    {
        var template = File.ReadAllText(Path.Combine(RepoRoot.Path, "infra", "modules", "functionapp.bicep"));

        Assert.Matches(CreateMissingResourcesOff(), template);
    }

    /// <summary>The string items of <c>var {name} = [ ... ]</c> in infra/main.bicep.</summary>
    private static List<string> BicepList(string name)
    {
        var template = File.ReadAllText(Path.Combine(RepoRoot.Path, "infra", "main.bicep"));
        var list = Regex.Match(template, $@"var {name} = \[(?<items>[^\]]*)\]", RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.True(list.Success, $"infra/main.bicep has no 'var {name} = [...]'");
        return [.. QuotedItem().Matches(list.Groups["items"].Value).Select(m => m.Groups["item"].Value)];
    }

    [GeneratedRegex(@"'(?<item>[^']*)'")]
    private static partial Regex QuotedItem();

    [GeneratedRegex(@"name: 'Storage__CreateMissingResources'\s+value: 'false'")]
    private static partial Regex CreateMissingResourcesOff();
}
