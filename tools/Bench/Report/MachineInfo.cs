using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using TestSupport;

namespace Bench.Report;

/// <summary>Where the figures were measured: they compare only with figures from the same machine and load.</summary>
public sealed record MachineInfo(string Cpu, int Cores, string Memory, string Os, string Runtime, string Sdk, string Azurite)
{
    public static MachineInfo Capture() => new(
        ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        ReadField("/proc/meminfo", "MemTotal") is { } kb ? $"{ParseKb(kb) / 1024d / 1024:0.0} GiB" : "unknown",
        $"{ReadOsName()} (kernel {Environment.OSVersion.Version})",
        RuntimeInformation.FrameworkDescription,
        Run("dotnet", "--version") ?? "unknown",
        ReadAzuriteVersion());

    /// <summary>The 1, 5 and 15 minute load averages, e.g. "1.20 0.95 0.80".</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string? ReadField(string path, string name)
    {
        try
        {
            return File.ReadLines(path)
                .Where(line => line.StartsWith(name, StringComparison.Ordinal))
                .Select(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
                .FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long ParseKb(string value) => long.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture);

    private static string ReadOsName()
    {
        try
        {
            var pretty = File.ReadLines("/etc/os-release").FirstOrDefault(line => line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            return pretty?["PRETTY_NAME=".Length..].Trim('"') ?? RuntimeInformation.OSDescription;
        }
        catch (IOException)
        {
            return RuntimeInformation.OSDescription;
        }
    }

    private static string ReadAzuriteVersion()
    {
        var path = Path.Combine(RepoRoot.Path, "node_modules", "azurite", "package.json");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.GetProperty("version").GetString() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string? Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, UseShellExecute = false });
        if (process is null)
        {
            return null;
        }

        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : null;
    }
}
