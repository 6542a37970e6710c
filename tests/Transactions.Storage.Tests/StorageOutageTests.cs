using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using TestSupport;

namespace Transactions.Storage.Tests;

/// <summary>Storage unavailable: table and queue traffic goes through proxies that can drop every connection.</summary>
public sealed class StorageOutageTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    private ToggleableTcpProxy _tableProxy = null!;
    private ToggleableTcpProxy _queueProxy = null!;
    private StorageClients _viaProxy = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _tableProxy = new ToggleableTcpProxy(Azurite.TablePort);
        _queueProxy = new ToggleableTcpProxy(Azurite.QueuePort);
        var options = Options(
            AzuriteFixture.ConnectionStringFor(Azurite.BlobPort, _queueProxy.Port, _tableProxy.Port), Clients.NamePrefix);
        options.Retry = new StorageRetryOptions
        {
            MaxRetries = 1,
            Delay = TimeSpan.FromMilliseconds(10),
            MaxDelay = TimeSpan.FromMilliseconds(10),
            NetworkTimeout = TimeSpan.FromSeconds(5),
        };
        _viaProxy = new StorageClients(options);
    }

    /// <summary>After retries Azure.Core throws an AggregateException of the attempts' RequestFailedExceptions.</summary>
    private static void AssertUnavailable(Exception? error)
    {
        Assert.NotNull(error);
        Assert.True(error is RequestFailedException or AggregateException, $"Unexpected {error}");
        Assert.True(StorageFailures.IsTransient(error), $"Not classified transient: {error}");
    }

    public override async Task DisposeAsync()
    {
        await _tableProxy.DisposeAsync();
        await _queueProxy.DisposeAsync();
    }

    [Fact]
    public async Task TableStore_NoRetries_StorageDown_FailsWithATransportRequestFailedException()
    {
        var options = Options(AzuriteFixture.ConnectionStringFor(Azurite.BlobPort, _queueProxy.Port, _tableProxy.Port), Clients.NamePrefix);
        options.Retry = new StorageRetryOptions { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) };
        var store = new TransactionStore(new StorageClients(options), NullLogger<TransactionStore>.Instance);

        _tableProxy.Disable();
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => store.GetAsync("TRX_any", Ct));

        Assert.Equal(0, error.Status);
        Assert.True(StorageFailures.IsTransient(error));
    }

    [Fact]
    public async Task TableStore_StorageDown_FailsWithRequestFailedAndWorksWhenBack()
    {
        var store = new TransactionStore(_viaProxy, NullLogger<TransactionStore>.Instance);
        var record = TransactionStoreTests.NewRecord("TRX_outage", "user-1", Start);
        Assert.Equal(WriteOutcome.Written, (await store.InsertAsync(record, Ct)).Outcome);

        _tableProxy.Disable();
        AssertUnavailable(await Record.ExceptionAsync(() => store.GetAsync("TRX_outage", Ct)));
        AssertUnavailable(await Record.ExceptionAsync(() => store.InsertAsync(record with { TransactionId = "TRX_during" }, Ct)));

        _tableProxy.Enable();
        Assert.Equal(record.Status, (await store.GetAsync("TRX_outage", Ct))!.Record.Status);
        Assert.Null(await store.GetAsync("TRX_during", Ct));
    }

    [Fact]
    public async Task Queue_StorageDown_SendFailsAndWorksWhenBack()
    {
        var queues = new StorageQueues(_viaProxy, Time);

        _queueProxy.Disable();
        AssertUnavailable(await Record.ExceptionAsync(() => queues.SendAsync(QueueNames.TransactionOutcomes, "lost?", Ct)));

        _queueProxy.Enable();
        await queues.SendAsync(QueueNames.TransactionOutcomes, "delivered", Ct);
        var received = (await queues.Queue(QueueNames.TransactionOutcomes).ReceiveMessagesAsync(10, cancellationToken: Ct)).Value;
        Assert.Equal("delivered", Assert.Single(received).Body.ToString());
    }
}
