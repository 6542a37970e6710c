using System.Diagnostics;

namespace Bench.Load;

/// <summary>One operation of a load run, given its sequence number; true when it succeeded.</summary>
public delegate Task<bool> LoadOperation(long sequence, CancellationToken cancellationToken);

/// <summary>What a load run achieved. Latencies in milliseconds, sorted.</summary>
/// <param name="ClientGcPause">Time the bench's own process was paused by its garbage collector during the run: it shows up as latency too.</param>
public sealed record LoadResult(long Succeeded, long Failed, long Skipped, TimeSpan Elapsed, double[] LatenciesMs, TimeSpan ClientGcPause)
{
    public double Rate => Succeeded / Elapsed.TotalSeconds;

    /// <summary>Nearest-rank percentile (<paramref name="percent"/> in 0–100) of the latencies.</summary>
    public double Percentile(double percent)
    {
        if (LatenciesMs.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * LatenciesMs.Length);
        return LatenciesMs[Math.Clamp(rank - 1, 0, LatenciesMs.Length - 1)];
    }
}

/// <summary>
/// Bounded load against loopback servers: every run stops by itself after its duration (and, open-loop, after its
/// fixed number of requests); nothing retries.
/// </summary>
public static class LoadRuns
{
    private static long sequence;

    /// <summary>
    /// Closed loop: <paramref name="concurrency"/> workers each start the next operation as soon as the previous one
    /// ends, for <paramref name="duration"/>. Measures the maximum sustained rate.
    /// </summary>
    public static async Task<LoadResult> ClosedLoopAsync(int concurrency, TimeSpan duration, LoadOperation operation, CancellationToken cancellationToken)
    {
        var pausedBefore = GC.GetTotalPauseDuration();
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            long failed = 0;
            while (Stopwatch.GetTimestamp() < stopAt && !cancellationToken.IsCancellationRequested)
            {
                var begin = Stopwatch.GetTimestamp();
                if (await RunAsync(operation, Interlocked.Increment(ref sequence), cancellationToken))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
                }
                else
                {
                    failed++;
                }
            }

            return (latencies, failed);
        }, cancellationToken)).ToList();
        var results = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = results.SelectMany(r => r.latencies).Order().ToArray();
        return new LoadResult(all.Length, results.Sum(r => r.failed), 0, elapsed, all, GC.GetTotalPauseDuration() - pausedBefore);
    }

    /// <summary>
    /// Open loop: starts operations at a fixed <paramref name="rate"/> per second for <paramref name="duration"/>,
    /// whether or not earlier ones have finished. Latency counts from each operation's scheduled start, so a server
    /// (or dispatcher) falling behind shows as latency instead of a silently lower rate. An operation that would
    /// exceed <paramref name="maxInFlight"/> is skipped and counted.
    /// </summary>
    public static async Task<LoadResult> OpenLoopAsync(double rate, TimeSpan duration, int maxInFlight, LoadOperation operation, CancellationToken cancellationToken)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var ticksPerOperation = Stopwatch.Frequency / rate;
        var latencies = new double[total];
        var outcome = new int[total]; // 0 skipped, 1 succeeded, 2 failed
        var inFlight = 0;
        var running = new List<Task>(total);
        var pausedBefore = GC.GetTotalPauseDuration();
        var started = Stopwatch.GetTimestamp();
        for (var k = 0; k < total && !cancellationToken.IsCancellationRequested; k++)
        {
            var due = started + (long)(k * ticksPerOperation);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
            }

            if (Volatile.Read(ref inFlight) >= maxInFlight)
            {
                continue;
            }

            Interlocked.Increment(ref inFlight);
            var index = k;
            running.Add(Task.Run(async () =>
            {
                try
                {
                    var succeeded = await RunAsync(operation, Interlocked.Increment(ref sequence), cancellationToken);
                    latencies[index] = (double)(Stopwatch.GetTimestamp() - due) * 1000 / Stopwatch.Frequency;
                    outcome[index] = succeeded ? 1 : 2;
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            }, cancellationToken));
        }

        await Task.WhenAll(running);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var succeededLatencies = latencies.Where((_, i) => outcome[i] == 1).Order().ToArray();
        return new LoadResult(
            succeededLatencies.Length, outcome.Count(o => o == 2), outcome.Count(o => o == 0), elapsed, succeededLatencies, GC.GetTotalPauseDuration() - pausedBefore);
    }

    private static async Task<bool> RunAsync(LoadOperation operation, long sequenceNumber, CancellationToken cancellationToken)
    {
        try
        {
            return await operation(sequenceNumber, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (Azure.RequestFailedException)
        {
            return false;
        }
        catch (AggregateException)
        {
            // Azure.Core's "retry failed" with the failed attempts inside.
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A request timeout, not the run being cancelled.
            return false;
        }
    }
}
