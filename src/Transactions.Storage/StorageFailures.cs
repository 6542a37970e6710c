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
    /// .NET's connection set-up can escape as a bare <see cref="SocketException"/>; those count too.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RequestFailedException e => e.Status is 0 or 408 or 429 or >= 500,
        AggregateException e => e.InnerExceptions.Count > 0 && e.InnerExceptions.All(IsTransient),
        SocketException or HttpRequestException or IOException => true,
        _ => false,
    };
}
