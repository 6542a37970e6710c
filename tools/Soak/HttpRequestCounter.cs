using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Soak;

/// <summary>
/// Counts the HTTP requests this process sends, per server port and method, from .NET's own HttpClient metric
/// (<c>System.Net.Http</c>, <c>http.client.request.duration</c>: one measurement per request, every retry attempt
/// included). The app's storage clients reach Azurite only through the harness's proxy ports and its Gateway client
/// the simulator only on the simulator's port, so counting by port separates them from everything else.
/// </summary>
internal sealed class HttpRequestCounter : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<(int Port, string Method), long> counts = new();
    private volatile bool counting = true;

    public HttpRequestCounter()
    {
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == "System.Net.Http" && instrument.Name == "http.client.request.duration")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) => Record(tags));
        listener.Start();
    }

    /// <summary>Stops counting (e.g. before the checks at the end, which read through the app too).</summary>
    public void Stop() => counting = false;

    public long Count(int port) => counts.Where(c => c.Key.Port == port).Sum(c => c.Value);

    public long Count(int port, string method) => counts.GetValueOrDefault((port, method));

    /// <summary>"GET 120, POST 40, ..." for one port, most frequent first.</summary>
    public string ByMethod(int port) =>
        string.Join(", ", counts.Where(c => c.Key.Port == port).OrderByDescending(c => c.Value).Select(c => $"{c.Key.Method} {c.Value}"));

    public void Dispose() => listener.Dispose();

    private void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!counting)
        {
            return;
        }

        int? port = null;
        var method = "?";
        foreach (var (key, value) in tags)
        {
            if (key == "server.port" && value is int p)
            {
                port = p;
            }
            else if (key == "http.request.method" && value is string m)
            {
                method = m;
            }
        }

        if (port is { } known)
        {
            counts.AddOrUpdate((known, method), 1, (_, count) => count + 1);
        }
    }
}
