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
}
