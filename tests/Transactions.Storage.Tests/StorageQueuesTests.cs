using System.Text;
using Azure.Storage.Queues;
using TestSupport;

namespace Transactions.Storage.Tests;

public sealed class StorageQueuesTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    [Theory]
    [InlineData(-30.0, 0.0, false)]
    [InlineData(0.0, 0.0, false)]
    [InlineData(0.2, 1.0, false)]
    [InlineData(1.0, 1.0, false)]
    [InlineData(90.5, 91.0, false)]
    public void DelayUntil_RoundsUpToWholeSecondsAndNeverGoesNegative(double dueInSeconds, double expectedSeconds, bool clamped)
    {
        var (delay, wasClamped) = StorageQueues.DelayUntil(Start.AddSeconds(dueInSeconds), Start);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
        Assert.Equal(clamped, wasClamped);
    }

    [Fact]
    public void DelayUntil_BeyondSevenDays_IsClampedBelowTheLimit()
    {
        var (delay, clamped) = StorageQueues.DelayUntil(Start.AddDays(30), Start);
        var (exact, exactClamped) = StorageQueues.DelayUntil(Start + StorageQueues.MaxVisibilityDelay, Start);

        Assert.True(clamped);
        Assert.Equal(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1), delay);
        Assert.False(exactClamped);
        Assert.Equal(StorageQueues.MaxVisibilityDelay, exact);
    }

    [Fact]
    public async Task SendAsync_WritesBase64TextAsTheFunctionsHostExpects()
    {
        var queues = new StorageQueues(Clients, TimeProvider.System);
        const string message = """{"transactionId":"TRX_1","kind":"timer","version":3,"note":"₹"}""";

        await queues.SendAsync(QueueNames.TransactionOutcomes, message, Ct);

        var raw = new QueueClient(Azurite.ConnectionString, Clients.NamePrefix + QueueNames.TransactionOutcomes); // no decoding
        var peeked = Assert.Single((await raw.PeekMessagesAsync(10, Ct)).Value);
        Assert.Equal(message, Encoding.UTF8.GetString(Convert.FromBase64String(peeked.Body.ToString())));
        var decoded = Assert.Single((await queues.Queue(QueueNames.TransactionOutcomes).ReceiveMessagesAsync(10, cancellationToken: Ct)).Value);
        Assert.Equal(message, decoded.Body.ToString());
    }

    [Fact]
    public async Task SendAsync_WithDueTime_MessageStaysInvisibleUntilDue()
    {
        var queues = new StorageQueues(Clients, TimeProvider.System);
        var queue = queues.Queue(QueueNames.TransactionOutcomes);

        var sent = await queues.SendAsync(QueueNames.TransactionOutcomes, "wake TRX_1", DateTimeOffset.UtcNow.AddSeconds(2), Ct);
        var visibleAtOnce = (await queue.PeekMessagesAsync(10, Ct)).Value;
        var arrived = await Eventually.UntilNotNull(
            async () => (await queue.ReceiveMessagesAsync(10, cancellationToken: Ct)).Value.SingleOrDefault(),
            TimeSpan.FromSeconds(30),
            "the delayed message becomes visible");

        Assert.InRange(sent.VisibilityDelay, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.False(sent.Clamped);
        Assert.Empty(visibleAtOnce);
        Assert.Equal("wake TRX_1", arrived.Body.ToString());
        Assert.Equal(sent.MessageId, arrived.MessageId);
    }

    [Fact]
    public async Task SendAsync_DueBeyondSevenDays_SendsClampedAndSaysSo()
    {
        var queues = new StorageQueues(Clients, Time);

        var sent = await queues.SendAsync(QueueNames.TransactionOutcomes, "far", Start.AddDays(10), Ct);

        Assert.True(sent.Clamped);
        Assert.Equal(StorageQueues.MaxVisibilityDelay, sent.VisibilityDelay);
        Assert.Empty((await queues.Queue(QueueNames.TransactionOutcomes).PeekMessagesAsync(10, Ct)).Value);
    }

    [Fact]
    public async Task SendAsync_MessageTooLarge_FailsBeforeSending()
    {
        var queues = new StorageQueues(Clients, Time);

        await Assert.ThrowsAsync<ArgumentException>(
            () => queues.SendAsync(QueueNames.TransactionOutcomes, new string('m', StorageQueues.MaxMessageBytes + 1), Ct));
        Assert.Empty((await queues.Queue(QueueNames.TransactionOutcomes).PeekMessagesAsync(10, Ct)).Value);
    }
}
