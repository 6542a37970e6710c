using System.Globalization;
using System.Text.Json.Nodes;
using TestSupport;

namespace Bench.Measures;

/// <summary>The task hub settings a measure runs the durable runtime with (the local host's <c>Durable:*</c> settings).</summary>
public sealed record DurableSettings(string Name, int PartitionCount, TimeSpan MaxQueuePollingInterval)
{
    /// <summary>Durable Task's Azure Storage defaults: 4 control-queue partitions, idle polls backing off to 30 s, no extended sessions.</summary>
    public static readonly DurableSettings Defaults = new("Durable defaults", 4, TimeSpan.FromSeconds(30));

    public string Description => $"{PartitionCount} partition{(PartitionCount == 1 ? string.Empty : "s")}, idle polls back off to {MaxQueuePollingInterval.TotalSeconds:0.#} s";

    public IReadOnlyDictionary<string, string?> AsConfiguration() => new Dictionary<string, string?>
    {
        ["Durable:PartitionCount"] = PartitionCount.ToString(CultureInfo.InvariantCulture),
        ["Durable:MaxQueuePollingInterval"] = MaxQueuePollingInterval.ToString("c", CultureInfo.InvariantCulture),
    };

    /// <summary>What the deployed app runs with: <c>functions/host.json</c>'s durableTask storage provider, Durable's defaults where it is silent.</summary>
    public static DurableSettings AsDeployed()
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "functions", "host.json")))!;
        var provider = hostJson["extensions"]?["durableTask"]?["storageProvider"];
        return new DurableSettings(
            "as deployed (host.json)",
            provider?["partitionCount"]?.GetValue<int>() ?? Defaults.PartitionCount,
            provider?["maxQueuePollingInterval"]?.GetValue<string>() is { } interval ? TimeSpan.Parse(interval, CultureInfo.InvariantCulture) : Defaults.MaxQueuePollingInterval);
    }
}
