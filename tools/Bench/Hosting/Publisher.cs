using System.Diagnostics;
using System.Text.RegularExpressions;
using TestSupport;

namespace Bench.Hosting;

/// <summary>How an app is published; the function app and the baseline are always published the same way.</summary>
public sealed partial record PublishVariant(string Name, IReadOnlyList<string> Arguments)
{
    private static readonly string[] SelfContained = ["-r", "linux-x64", "--self-contained", "true"];

    /// <summary><c>dotnet publish -c Release</c>: needs the shared runtime; JIT-compiled at start.</summary>
    public static PublishVariant FrameworkDependent { get; } = new("framework-dependent", []);

    /// <summary>Self-contained linux-x64, JIT-compiled at start.</summary>
    public static PublishVariant SelfContainedJit { get; } = new("self-contained", SelfContained);

    /// <summary>What <c>scripts/package.sh</c> deploys: self-contained with ReadyToRun, most methods precompiled, less JIT at start.</summary>
    public static PublishVariant ReadyToRun { get; } = new("self-contained + ReadyToRun (package.sh)", [.. SelfContained, "-p:PublishReadyToRun=true"]);

    /// <summary>
    /// ReadyToRun and trimmed (partial: only assemblies that declare themselves trimmable). Trim warnings are not
    /// errors here and reflection-based JSON stays on, since the app is not annotated for trimming.
    /// </summary>
    public static PublishVariant ReadyToRunTrimmed { get; } = new(
        "self-contained + ReadyToRun + trimmed",
        [.. SelfContained, "-p:PublishReadyToRun=true", "-p:PublishTrimmed=true", "-p:TrimMode=partial",
         "-p:JsonSerializerIsReflectionEnabledByDefault=true", "-p:TreatWarningsAsErrors=false", "-p:SuppressTrimAnalysisWarnings=true"]);

    /// <summary>The name as a folder name, e.g. <c>self-contained-readytorun</c>.</summary>
    public string Slug => NonAlphanumeric().Replace(Name.ToLowerInvariant(), "-").Trim('-');

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonAlphanumeric();
}

/// <summary>
/// Publishes the function app and the baseline into <c>artifacts/bench/</c> with their own build folders
/// (<c>--artifacts-path</c>), so the bench never touches the bin/obj folders of the source tree.
/// </summary>
public static class Publisher
{
    /// <summary>The function app as the local host runs it (the isolated worker needs the Functions host, which is not installed here).</summary>
    public static string LocalHost => Path.Combine(RepoRoot.Path, "local", "LocalHost.csproj");

    public static string Baseline => Path.Combine(RepoRoot.Path, "tools", "Bench", "Baseline", "Baseline.csproj");

    /// <summary>Publishes <paramref name="project"/> and returns the path of its executable (apphost).</summary>
    public static async Task<string> PublishAsync(string project, string executableName, PublishVariant variant, CancellationToken cancellationToken)
    {
        var root = Path.Combine(RepoRoot.Path, "artifacts", "bench");
        // One build folder per variant: trimming and ReadyToRun rewrite intermediate files that another variant would reuse.
        var output = Path.Combine(root, "publish", variant.Slug, Path.GetFileNameWithoutExtension(project));
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "publish", project, "-c", "Release", "-o", output, "--artifacts-path", Path.Combine(root, "build", variant.Slug), "-nologo", "-v", "q", "-clp:ErrorsOnly" }.Concat(variant.Arguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start dotnet publish.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish {project} ({variant.Name}) did not finish within 10 minutes.");
        }

        var executable = Path.Combine(output, executableName);
        if (process.ExitCode != 0 || !File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"dotnet publish {project} ({variant.Name}) failed with exit code {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }

        return executable;
    }
}
