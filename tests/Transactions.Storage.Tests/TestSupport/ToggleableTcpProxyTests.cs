using System.Net;
using System.Net.Sockets;
using TestSupport;

namespace Transactions.Storage.Tests.TestSupport;

public sealed class ToggleableTcpProxyTests : IAsyncLifetime
{
    private readonly TcpListener _echoServer = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _echoLoop = Task.CompletedTask;

    public Task InitializeAsync()
    {
        _echoServer.Start();
        _echoLoop = EchoAsync();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _echoServer.Stop();
        await _echoLoop;
    }

    private int EchoPort => ((IPEndPoint)_echoServer.LocalEndpoint).Port;

    [Fact]
    public async Task Enabled_ForwardsBytesBothWays()
    {
        await using var proxy = new ToggleableTcpProxy(EchoPort);

        Assert.Equal("hello", await RoundTripAsync(proxy.Port, "hello"));
    }

    [Fact]
    public async Task Disable_ResetsNewConnections()
    {
        await using var proxy = new ToggleableTcpProxy(EchoPort);
        proxy.Disable();

        await AssertResetAsync(() => RoundTripAsync(proxy.Port, "hello"));
    }

    [Fact]
    public async Task Disable_ResetsAnOpenConnection()
    {
        await using var proxy = new ToggleableTcpProxy(EchoPort);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxy.Port);
        var stream = client.GetStream();
        await WriteAndReadAsync(stream, "first");
        await Eventually.Until(() => proxy.OpenConnections == 1, TimeSpan.FromSeconds(10));

        proxy.Disable();

        await AssertResetAsync(() => WriteAndReadAsync(stream, "second"));
    }

    [Fact]
    public async Task Enable_AfterDisable_ForwardsAgain()
    {
        await using var proxy = new ToggleableTcpProxy(EchoPort);
        proxy.Disable();
        await AssertResetAsync(() => RoundTripAsync(proxy.Port, "down"));

        proxy.Enable();

        Assert.Equal("up", await RoundTripAsync(proxy.Port, "up"));
    }

    [Fact]
    public async Task BlackHole_AcceptsNewConnectionsAndNeverAnswers()
    {
        await using var proxy = new ToggleableTcpProxy(EchoPort);
        proxy.BlackHole();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxy.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("hello"u8.ToArray());

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stream.ReadAtLeastAsync(new byte[5], 1, cancellationToken: wait.Token));
    }

    [Fact]
    public async Task BlackHole_ResetsAnOpenConnection()
    {
        await using var proxy = new ToggleableTcpProxy(EchoPort);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, proxy.Port);
        var stream = client.GetStream();
        await WriteAndReadAsync(stream, "first");
        await Eventually.Until(() => proxy.OpenConnections == 1, TimeSpan.FromSeconds(10));

        proxy.BlackHole();

        await AssertResetAsync(() => WriteAndReadAsync(stream, "second"));
    }

    [Fact]
    public async Task Enable_AfterBlackHole_ResetsTheHeldConnectionsAndForwardsAgain()
    {
        await using var proxy = new ToggleableTcpProxy(EchoPort);
        proxy.BlackHole();
        using var held = new TcpClient();
        await held.ConnectAsync(IPAddress.Loopback, proxy.Port);
        await held.GetStream().WriteAsync("held"u8.ToArray());
        await Eventually.Until(() => proxy.OpenConnections == 1, TimeSpan.FromSeconds(10));

        proxy.Enable();

        await AssertResetAsync(() => WriteAndReadAsync(held.GetStream(), "held"));
        Assert.Equal("up", await RoundTripAsync(proxy.Port, "up"));
    }

    /// <summary>
    /// The reset may surface on connect, write or read (SocketException, or IOException over one); a graceful
    /// close or a timeout is not a reset.
    /// </summary>
    private static async Task AssertResetAsync(Func<Task> action)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(action);
        var socketError = (error as SocketException ?? error.InnerException as SocketException)?.SocketErrorCode;
        Assert.True(
            socketError is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown,
            $"Expected a connection reset, got {error}");
    }

    private static async Task<string> RoundTripAsync(int port, string text)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return await WriteAndReadAsync(client.GetStream(), text);
    }

    private static async Task<string> WriteAndReadAsync(NetworkStream stream, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        await stream.WriteAsync(bytes, timeout.Token);
        var buffer = new byte[bytes.Length];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token);
            if (n == 0)
            {
                // A graceful close is not the reset these tests look for.
                throw new InvalidOperationException("Connection closed gracefully by the peer.");
            }

            read += n;
        }

        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    private async Task EchoAsync()
    {
        var connections = new List<Task>();
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _echoServer.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }

            connections.Add(Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await client.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                    }
                    catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                }
            }));
        }

        await Task.WhenAll(connections);
    }
}
