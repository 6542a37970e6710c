using Azure;

namespace Transactions.Storage.Tests;

public sealed class StorageFailuresTests
{
    [Theory]
    [InlineData(0, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(403, false)]
    [InlineData(409, false)]
    public void IsTransient_ByStatus(int status, bool transient)
    {
        Assert.Equal(transient, StorageFailures.IsTransient(new RequestFailedException(status, "x")));
    }

    [Fact]
    public void IsTransient_AggregateOfTransientFailures_IsTransient()
    {
        Assert.True(StorageFailures.IsTransient(new AggregateException(new RequestFailedException(0, "a"), new RequestFailedException(503, "b"))));
        Assert.False(StorageFailures.IsTransient(new AggregateException(new RequestFailedException(0, "a"), new InvalidOperationException())));
        Assert.False(StorageFailures.IsTransient(new InvalidOperationException()));
    }

    [Fact]
    public void IsTransient_BareTransportErrors_AreTransient()
    {
        Assert.True(StorageFailures.IsTransient(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.NotConnected)));
        Assert.True(StorageFailures.IsTransient(new HttpRequestException("reset")));
        Assert.True(StorageFailures.IsTransient(new IOException("reset")));
    }

    [Fact]
    public void IsTransient_SdkTimeoutsAndCancellations_AreTransient()
    {
        // What Azure.Core throws when an endpoint accepts connections but never answers: each try's network timeout
        // cancels it, and once the retries are spent the tries come back together.
        var tryTimedOut = new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:30.");
        Assert.True(StorageFailures.IsTransient(tryTimedOut));
        Assert.True(StorageFailures.IsTransient(new AggregateException("Retry failed after 4 tries.", tryTimedOut, new TaskCanceledException(), new TaskCanceledException())));
        Assert.True(StorageFailures.IsTransient(new OperationCanceledException()));
        Assert.True(StorageFailures.IsTransient(new TimeoutException()));
        Assert.True(StorageFailures.IsTransient(new AggregateException(new TimeoutException(), new RequestFailedException(0, "reset"))));
        Assert.True(StorageFailures.IsTransient(new RequestFailedException(404, "timed out", tryTimedOut)));
        Assert.True(StorageFailures.IsTransient(new RequestFailedException(404, "timed out", new TimeoutException())));
        Assert.True(StorageFailures.IsTransient(new AggregateException(new RequestFailedException(0, "x", tryTimedOut))));
    }

    [Fact]
    public void IsTransient_CancelledByADeadline_IsTransient()
    {
        using var client = new CancellationTokenSource();
        using var deadline = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(client.Token, deadline.Token);
        deadline.Cancel();

        var cancelled = new OperationCanceledException(linked.Token);

        Assert.True(StorageFailures.IsTransient(cancelled, callerGaveUp: client.IsCancellationRequested));
        Assert.True(StorageFailures.IsTransient(new AggregateException(cancelled), callerGaveUp: client.IsCancellationRequested));
    }

    [Fact]
    public void IsTransient_CancelledBecauseTheCallerWentAway_IsNotTransient()
    {
        Assert.False(StorageFailures.IsTransient(new OperationCanceledException(), callerGaveUp: true));
        Assert.False(StorageFailures.IsTransient(new TaskCanceledException(), callerGaveUp: true));
        Assert.False(StorageFailures.IsTransient(new AggregateException(new TaskCanceledException()), callerGaveUp: true));
        Assert.False(StorageFailures.IsTransient(new RequestFailedException(404, "x", new TaskCanceledException()), callerGaveUp: true));
        Assert.True(StorageFailures.IsTransient(new RequestFailedException(0, "reset"), callerGaveUp: true));
    }

    [Fact]
    public void IsTransient_OtherFailuresWrappingNothingTransient_AreNot()
    {
        Assert.False(StorageFailures.IsTransient(new RequestFailedException(404, "x", new InvalidOperationException())));
        Assert.False(StorageFailures.IsTransient(new AggregateException()));
        Assert.False(StorageFailures.IsTransient(new AggregateException(new TaskCanceledException(), new ArgumentException())));
    }
}
