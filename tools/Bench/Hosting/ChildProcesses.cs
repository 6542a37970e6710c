using System.Diagnostics;
using System.Globalization;

namespace Bench.Hosting;

/// <summary>CPU time of this process's own children (e.g. the Azurite node process the bench started).</summary>
public static class ChildProcesses
{
    /// <summary>Total CPU time of the direct children of this process named <paramref name="name"/> (Linux /proc).</summary>
    public static TimeSpan CpuTime(string name)
    {
        var total = TimeSpan.Zero;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so parse after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var comm = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')];
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (comm == name && int.Parse(fields[1], CultureInfo.InvariantCulture) == Environment.ProcessId)
                {
                    using var child = Process.GetProcessById(pid);
                    total += child.TotalProcessorTime;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // The process ended while we looked.
            }
        }

        return total;
    }
}
