using System.Diagnostics;
using System.Text;

namespace Bench.Hosting;

/// <summary>
/// A published app (the function app or the bare baseline) run as its own process on a loopback port, as a
/// deployment would run it. Dispose kills it (and any child it started).
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private static readonly HttpClient Probe = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), PooledConnectionLifetime = TimeSpan.Zero })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    private readonly Process process;
    private readonly long startedAt;
    private readonly StringBuilder output = new();

    private AppProcess(Process process, long startedAt, Uri baseUri)
    {
        this.process = process;
        this.startedAt = startedAt;
        BaseUri = baseUri;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseUri { get; }

    /// <summary>Peak resident set (VmHWM) since the process started, in bytes.</summary>
    public long PeakWorkingSet
    {
        get
        {
            process.Refresh();
            return process.PeakWorkingSet64;
        }
    }

    /// <summary>CPU time (user + system) the process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// Starts <paramref name="executable"/> (an apphost) in a fresh working directory, so no <c>local.settings.json</c>
    /// of the repository is picked up, with exactly <paramref name="environment"/> added to the inherited environment.
    /// </summary>
    public static AppProcess Start(string executable, int port, IReadOnlyDictionary<string, string> environment, bool portFromEnvironment = false)
    {
        var workingDirectory = Directory.CreateTempSubdirectory("bench-app-").FullName;
        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!portFromEnvironment)
        {
            startInfo.ArgumentList.Add("--urls");
            startInfo.ArgumentList.Add($"http://127.0.0.1:{port}");
        }

        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var startedAt = Stopwatch.GetTimestamp();
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {executable}.");
        return new AppProcess(process, startedAt, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>Polls <paramref name="path"/> until it answers 2xx; returns the time from process start to that answer.</summary>
    public async Task<TimeSpan> WaitHealthyAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var url = new Uri(BaseUri, path);
        while (Stopwatch.GetElapsedTime(startedAt) < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} exited with code {process.ExitCode} before it was healthy:\n{Output}");
            }

            try
            {
                using var response = await Probe.GetAsync(url, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return Stopwatch.GetElapsedTime(startedAt);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Listening but slow to answer: ask again.
            }

            await Task.Delay(5, cancellationToken);
        }

        throw new TimeoutException($"{process.StartInfo.FileName} was not healthy at {url} within {timeout.TotalSeconds} s:\n{Output}");
    }

    private string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length < 64 * 1024)
            {
                output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        finally
        {
            var workingDirectory = process.StartInfo.WorkingDirectory;
            process.Dispose();
            try
            {
                Directory.Delete(workingDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover empty temp folder is harmless.
            }
        }
    }
}
