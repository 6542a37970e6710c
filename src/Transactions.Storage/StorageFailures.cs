using System.Net.Sockets;
using Azure;

namespace Transactions.Storage;

/// <summary>Classifies exceptions from the stores, e.g. to answer 503 instead of 500 while storage is unreachable.</summary>
public static class StorageFailures
{
    /// <summary>
    /// True for failures worth retrying later: no response at all (connection refused or reset, timeout:
    /// status 0), 408, 429 or 5xx. Azure.Core reports a transport failure that persisted through its retries as an
    /// <see cref="AggregateException"/> of <see cref="RequestFailedException"/>s, and a connection reset during
    /// .NET's connection set-up can escape as a bare <see cref="SocketException"/>; those count too. So do timeouts
    /// and cancellations: an endpoint that accepts connections but never answers makes Azure.Core's per-try network
    /// timeout throw <see cref="TaskCanceledException"/> (an <see cref="AggregateException"/> of them once the retries
    /// are spent), and a request's deadline cancels the call (<see cref="OperationCanceledException"/>).
    /// </summary>
    /// <param name="callerGaveUp">
    /// Whether whoever made the call has gone away (e.g. the HTTP client disconnected): then a cancellation is theirs,
    /// not an outage. Otherwise a cancellation came from a timeout or a deadline, and counts as transient.
    /// </param>
    public static bool IsTransient(Exception exception, bool callerGaveUp = false) => exception switch
    {
        OperationCanceledException => !callerGaveUp,
        TimeoutException => true,
        RequestFailedException e => e.Status is 0 or 408 or 429 or >= 500 || IsTransientInner(e.InnerException, callerGaveUp),
        AggregateException e => e.InnerExceptions.Count > 0 && e.InnerExceptions.All(inner => IsTransient(inner, callerGaveUp)),
        SocketException or HttpRequestException or IOException => true,
        _ => false,
    };

    private static bool IsTransientInner(Exception? inner, bool callerGaveUp) =>
        inner is OperationCanceledException or TimeoutException && IsTransient(inner, callerGaveUp);
}
