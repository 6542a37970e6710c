using System.Text.RegularExpressions;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Hosting;

/// <summary>
/// The deployed app does not create its tables and queues (the infrastructure does), so the Bicep's lists must name
/// exactly what the app uses.
/// </summary>
public sealed partial class InfrastructureStorageNamesTests
{
    private static readonly string MainBicep = File.ReadAllText(Path.Combine(RepoRoot.Path, "infra", "main.bicep"));

    [Fact]
    public void MainBicep_TableNames_AreTheTablesTheAppUses() =>
        Assert.Equal(TableNames.All.Order(), BicepList("tableNames").Order());

    [Fact]
    public void MainBicep_QueueNames_AreTheQueuesTheAppUses() =>
        Assert.Equal(QueueNames.All.Order(), BicepList("queueNames").Order());

    private static IEnumerable<string> BicepList(string variable)
    {
        var list = Regex.Match(MainBicep, $@"var {variable} = \[(?<items>[^\]]*)\]");
        Assert.True(list.Success, $"infra/main.bicep declares no list {variable}.");
        return QuotedName().Matches(list.Groups["items"].Value).Select(m => m.Groups[1].Value);
    }

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedName();
}
