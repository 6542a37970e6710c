using System.Net;
using System.Net.Sockets;

namespace TestSupport;

/// <summary>Free loopback TCP ports, found by binding port 0 and letting the OS choose.</summary>
public static class FreePort
{
    /// <summary>
    /// A port that was free a moment ago. Another process may take it before the caller binds it,
    /// so callers that hand the port to a child process must detect "address in use" and retry.
    /// </summary>
    public static int Next() => Next(1)[0];

    /// <summary><paramref name="count"/> distinct free ports (all held open together while they are chosen).</summary>
    public static int[] Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
