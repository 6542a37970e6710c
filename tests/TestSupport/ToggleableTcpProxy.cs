using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace TestSupport;

/// <summary>
/// A loopback TCP proxy for fault tests: listens on 127.0.0.1 (a free port) and forwards every connection to
/// 127.0.0.1:<c>targetPort</c>. <see cref="Disable"/> resets every open connection and resets each new one as soon
/// as the client sends on it, so clients see "connection reset" as from a dead service; <see cref="BlackHole"/> accepts
/// new connections and never answers on them, as an endpoint that is up but hangs; <see cref="Enable"/> forwards
/// again.
/// Point a client at <see cref="Port"/> instead of the real service to simulate an outage.
/// </summary>
public sealed class ToggleableTcpProxy : IAsyncDisposable
{
    private readonly int _targetPort;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Connection, Task> _connections = new();
    private readonly Task _acceptLoop;
    private volatile bool _enabled = true;
    private volatile bool _blackHole;

    public ToggleableTcpProxy(int targetPort)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetPort, 1);
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    public bool IsEnabled => _enabled;

    /// <summary>Connections being forwarded right now.</summary>
    public int OpenConnections => _connections.Count;

    /// <summary>
    /// Forwards new connections again. Connections accepted during the outage are reset first: an HTTP client may
    /// have pooled one without sending on it yet, and must not find it half-alive afterwards.
    /// </summary>
    public void Enable()
    {
        foreach (var connection in _connections.Keys.Where(c => c.Refusing))
        {
            connection.Reset();
        }

        _blackHole = false;
        _enabled = true;
    }

    /// <summary>Resets all open connections; until <see cref="Enable"/>, every new connection is reset on accept.</summary>
    public void Disable()
    {
        _blackHole = false;
        _enabled = false;
        foreach (var connection in _connections.Keys)
        {
            connection.Reset();
        }
    }

    /// <summary>
    /// Until <see cref="Enable"/>, accepts every new connection, reads what the client sends and never forwards or
    /// answers anything: requests hang until the client's own timeout. Open connections are reset, so that clients
    /// open new ones (into the black hole) instead of reaching the target on a pooled connection.
    /// </summary>
    public void BlackHole()
    {
        _blackHole = true;
        _enabled = false;
        foreach (var connection in _connections.Keys)
        {
            connection.Reset();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        foreach (var connection in _connections.Keys)
        {
            connection.Reset();
        }

        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = new Connection(client);
            var forwarding = new TaskCompletionSource();
            _connections[connection] = forwarding.Task;
            _ = ForwardAsync(connection).ContinueWith(
                _ =>
                {
                    _connections.TryRemove(connection, out var _);
                    forwarding.SetResult();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task ForwardAsync(Connection connection)
    {
        try
        {
            if (!_enabled)
            {
                await (_blackHole ? SwallowAsync(connection) : RefuseAsync(connection)).ConfigureAwait(false);
                return;
            }

            await connection.Upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stopping.Token).ConfigureAwait(false);

            // Disable() may have run between accept and registration; it must not miss this connection.
            if (!_enabled)
            {
                connection.Reset();
                return;
            }

            var client = connection.Client.GetStream();
            var upstream = connection.Upstream.GetStream();
            await Task.WhenAny(
                client.CopyToAsync(upstream, _stopping.Token),
                upstream.CopyToAsync(client, _stopping.Token)).ConfigureAwait(false);
            connection.Close();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            connection.Reset();
        }
    }

    /// <summary>
    /// Resets a connection made while disabled once the client has sent its first bytes (or on Enable or dispose).
    /// A reset straight after accept can surface from .NET's HTTP connection set-up as a bare SocketException; a
    /// reset mid-request is the outage an HTTP client is built to report (HttpRequestException).
    /// </summary>
    private async Task RefuseAsync(Connection connection)
    {
        connection.Refusing = true;
        try
        {
            // Enable() may have run before Refusing was set; then this connection is from the outage too.
            if (!_enabled)
            {
                await connection.Client.GetStream().ReadAsync(new byte[1], _stopping.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            connection.Reset();
        }
    }

    /// <summary>
    /// Holds a connection made while black-holed: reads and discards what the client sends, answers nothing, and
    /// resets it when the client gives up, or on Enable or dispose.
    /// </summary>
    private async Task SwallowAsync(Connection connection)
    {
        connection.Refusing = true;
        try
        {
            var stream = connection.Client.GetStream();
            var buffer = new byte[4096];
            while (!_enabled && await stream.ReadAsync(buffer, _stopping.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            connection.Reset();
        }
    }

    private sealed class Connection(TcpClient client)
    {
        public TcpClient Client { get; } = client;

        public TcpClient Upstream { get; } = new();

        /// <summary>Accepted during an outage: never forwarded, reset at the latest when the proxy is enabled.</summary>
        public volatile bool Refusing;

        /// <summary>Closes both sides with an RST (linger 0) instead of a graceful FIN.</summary>
        public void Reset()
        {
            Abort(Client);
            Abort(Upstream);
        }

        public void Close()
        {
            Client.Dispose();
            Upstream.Dispose();
        }

        private static void Abort(TcpClient side)
        {
            // Close the socket itself: disposing the TcpClient would first shut down its NetworkStream, which sends a
            // graceful FIN instead of the reset.
            try
            {
                if (side.Client is { } socket)
                {
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed: nothing to reset.
            }

            side.Dispose();
        }
    }
}
