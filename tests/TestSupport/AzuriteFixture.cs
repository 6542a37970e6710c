using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace TestSupport;

/// <summary>
/// Starts one in-memory Azurite (blob, queue, table) on free loopback ports for the lifetime of a test class or
/// collection, and kills it afterwards (also when the test host exits without disposing fixtures).
/// Use as <c>IClassFixture&lt;AzuriteFixture&gt;</c> or <c>ICollectionFixture&lt;AzuriteFixture&gt;</c>.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account (documented in Azurite's README).</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The development account's well-known key (public, documented in Azurite's README).</summary>
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int StartAttempts = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan NpmCiTimeout = TimeSpan.FromMinutes(5);
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    private readonly BoundedLog _stderr = new(16 * 1024);
    private Process? _process;
    private string? _workDir;
    private int _readyServices;

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    /// <summary>A storage connection string with explicit endpoints for this Azurite instance.</summary>
    public string ConnectionString => ConnectionStringFor(BlobPort, QueuePort, TablePort);

    /// <summary>
    /// The development-account connection string for the given loopback ports, e.g. to route table or queue traffic
    /// through a <see cref="ToggleableTcpProxy"/>.
    /// </summary>
    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";

    public async Task InitializeAsync()
    {
        var entryPoint = await EnsureInstalledAsync().ConfigureAwait(false);
        _workDir = Directory.CreateTempSubdirectory("azurite-").FullName;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;

        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePort.Next(3);
            (BlobPort, QueuePort, TablePort) = (ports[0], ports[1], ports[2]);
            var started = await TryStartAsync(entryPoint).ConfigureAwait(false);
            if (started)
            {
                return;
            }

            var exitCode = _process?.ExitCode;
            StopProcess();

            // Only a port race (another process bound a chosen port first) is worth another try.
            if (attempt == StartAttempts || !_stderr.ToString().Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Azurite exited during start-up (exit code {exitCode}). stderr:\n{_stderr}");
            }
        }
    }

    public Task DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        StopProcess();
        if (_workDir is not null)
        {
            try
            {
                Directory.Delete(_workDir, recursive: true);
            }
            catch (IOException)
            {
                // A leftover empty temp folder is harmless.
            }
        }

        return Task.CompletedTask;
    }

    /// <returns>False when Azurite exited during start-up; throws when it neither started nor exited in time.</returns>
    private async Task<bool> TryStartAsync(string entryPoint)
    {
        _stderr.Clear();
        Interlocked.Exchange(ref _readyServices, 0);
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = _workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     entryPoint, "--silent", "--disableTelemetry", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
                     "--blobHost", "127.0.0.1", "--blobPort", Port(BlobPort),
                     "--queueHost", "127.0.0.1", "--queuePort", Port(QueuePort),
                     "--tableHost", "127.0.0.1", "--tablePort", Port(TablePort),
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("successfully listening", StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref _readyServices);
            }
        };
        process.ErrorDataReceived += (_, e) => _stderr.Append(e.Data);
        process.Start();
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync().ConfigureAwait(false); // flushes the redirected streams
                return false;
            }

            if (Volatile.Read(ref _readyServices) == 3 && await AllPortsAcceptAsync().ConfigureAwait(false))
            {
                return true;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        StopProcess();
        throw new TimeoutException(
            $"Azurite did not listen on ports {BlobPort}/{QueuePort}/{TablePort} within {StartTimeout.TotalSeconds} s. stderr:\n{_stderr}");
    }

    private async Task<bool> AllPortsAcceptAsync()
    {
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<string> EnsureInstalledAsync()
    {
        var root = RepoRoot.Path;
        var entryPoint = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (File.Exists(entryPoint))
        {
            return entryPoint;
        }

        await InstallLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!File.Exists(entryPoint))
            {
                await RunNpmCiAsync(root).ConfigureAwait(false);
            }
        }
        finally
        {
            InstallLock.Release();
        }

        return File.Exists(entryPoint)
            ? entryPoint
            : throw new InvalidOperationException($"npm ci finished but {entryPoint} is still missing.");
    }

    private static async Task RunNpmCiAsync(string root)
    {
        // Test projects may run in parallel processes: a lock file keeps them from running npm ci together.
        var rootHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..16];
        var lockPath = Path.Combine(Path.GetTempPath(), $"azurite-npm-ci-{rootHash}.lock");
        using var timeout = new CancellationTokenSource(NpmCiTimeout);
        using var fileLock = await AcquireFileLockAsync(lockPath, timeout.Token).ConfigureAwait(false);
        if (File.Exists(Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js")))
        {
            return;
        }

        var startInfo = new ProcessStartInfo("npm")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("ci");
        startInfo.ArgumentList.Add("--no-audit");
        startInfo.ArgumentList.Add("--no-fund");
        using var npm = Process.Start(startInfo)
            ?? throw new InvalidOperationException("Could not start npm; install Node.js and npm.");
        var stdout = npm.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = npm.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await npm.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw new TimeoutException($"npm ci in {root} did not finish within {NpmCiTimeout.TotalMinutes} minutes.");
        }

        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"npm ci in {root} failed with exit code {npm.ExitCode}:\n{await stdout.ConfigureAwait(false)}\n{await stderr.ConfigureAwait(false)}");
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => StopProcess();

    private void StopProcess()
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // The process exited between the check and the kill.
        }
        finally
        {
            process.Dispose();
        }
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Keeps the last <c>capacity</c> characters of a child process's stderr for error messages.</summary>
    private sealed class BoundedLog(int capacity)
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _lock = new();

        public void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lock)
            {
                _text.AppendLine(line);
                if (_text.Length > capacity)
                {
                    _text.Remove(0, _text.Length - capacity);
                }
            }
        }

        public void Clear()
        {
            lock (_lock)
            {
                _text.Clear();
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }
}
