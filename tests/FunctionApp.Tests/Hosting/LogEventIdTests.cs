using System.Reflection;
using Microsoft.Extensions.Logging;

namespace FunctionApp.Tests.Hosting;

/// <summary>Every assembly logs from one class that declares its event-id range; no event id is used twice.</summary>
public sealed class LogEventIdTests
{
    private static readonly Assembly[] Assemblies =
    [
        typeof(AppServices).Assembly,
        typeof(LocalHost.LocalHostBuilder).Assembly,
        typeof(Gateway.Client.Http.GatewayOptions).Assembly,
        typeof(global::Transactions.Storage.StorageOptions).Assembly,
        typeof(Gateway.Simulator.SimulatorOptions).Assembly,
    ];

    private static IEnumerable<(MethodInfo Method, int Id)> LogMethods(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (method, method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Item2 is not null)
            .Select(m => (m.method, m.Item2!.EventId));

    [Fact]
    public void EachAssembly_LogsFromOneClass_WithEveryIdInTheRangeItDeclares()
    {
        foreach (var assembly in Assemblies)
        {
            var methods = LogMethods(assembly).ToList();
            Assert.NotEmpty(methods);
            var logClass = Assert.Single(methods.Select(m => m.Method.DeclaringType).Distinct());
            var first = (int)logClass!.GetField("FirstEventId", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            var last = (int)logClass.GetField("LastEventId", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            Assert.All(methods, m => Assert.InRange(m.Id, first, last));
        }
    }

    [Fact]
    public void NoEventId_IsUsedTwice_InAnyAssembly()
    {
        var all = Assemblies.SelectMany(a => LogMethods(a).Select(m => (m.Id, Name: $"{a.GetName().Name}: {m.Method.Name}"))).ToList();

        var twice = all.GroupBy(m => m.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Name))}");

        Assert.Empty(twice);
        Assert.True(all.Count >= 30, $"only {all.Count} log messages were found: the scan is not seeing them");
    }

    [Fact]
    public void Ranges_DoNotOverlap()
    {
        var ranges = Assemblies
            .Select(a => LogMethods(a).First().Method.DeclaringType!)
            .Select(t => (First: (int)t.GetField("FirstEventId")!.GetValue(null)!, Last: (int)t.GetField("LastEventId")!.GetValue(null)!))
            .OrderBy(r => r.First)
            .ToList();

        Assert.All(ranges.Zip(ranges.Skip(1)), pair => Assert.True(pair.First.Last < pair.Second.First, $"{pair.First} overlaps {pair.Second}"));
    }
}
