using System.Text;
using Azure.Storage.Queues;

namespace Transactions.Storage;

/// <param name="VisibilityDelay">How long the message stays invisible (whole seconds, rounded up so never early).</param>
/// <param name="Clamped">True when the due time was beyond <see cref="StorageQueues.MaxVisibilityDelay"/>: the message
/// arrives early, and the receiver must schedule the rest (chain another message).</param>
public readonly record struct QueueSendResult(string MessageId, TimeSpan VisibilityDelay, bool Clamped);

/// <summary>
/// Sends messages to the app's queues, as the Functions host's queue trigger expects them (base64 text). Timers are
/// messages with a visibility delay computed from an absolute due time, the way DurableTask.AzureStorage does them.
/// Messages never expire (time-to-live −1), so a timer far in the future is not silently dropped.
/// </summary>
public sealed class StorageQueues(StorageClients clients, TimeProvider time)
{
    /// <summary>The service allows at most 7 days; the delay is kept strictly below.</summary>
    public static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1);

    /// <summary>64 KiB of base64 on the wire: 49,152 bytes of UTF-8 message text.</summary>
    public const int MaxMessageBytes = 48 * 1024;

    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    /// <summary>The prefixed client for <paramref name="queueName"/> (one of <see cref="QueueNames"/>), e.g. to receive.</summary>
    public QueueClient Queue(string queueName) => clients.Queue(queueName);

    /// <summary>Sends a message that is visible at once.</summary>
    public Task<QueueSendResult> SendAsync(string queueName, string message, CancellationToken cancellationToken) =>
        SendAsync(queueName, message, time.GetUtcNow(), cancellationToken);

    /// <summary>Sends a message that becomes visible at <paramref name="dueAt"/> (at once if that has passed).</summary>
    public async Task<QueueSendResult> SendAsync(
        string queueName, string message, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var size = Encoding.UTF8.GetByteCount(message);
        if (size > MaxMessageBytes)
        {
            throw new ArgumentException($"Queue message is {size} bytes; at most {MaxMessageBytes} fit once base64-encoded.", nameof(message));
        }

        var (delay, clamped) = DelayUntil(dueAt, time.GetUtcNow());
        var receipt = await clients.Queue(queueName)
            .SendMessageAsync(message, delay, NeverExpires, cancellationToken)
            .ConfigureAwait(false);
        return new QueueSendResult(receipt.Value.MessageId, delay, clamped);
    }

    /// <summary>The visibility delay for <paramref name="dueAt"/>: rounded up to whole seconds, within [0, 7 days).</summary>
    public static (TimeSpan Delay, bool Clamped) DelayUntil(DateTimeOffset dueAt, DateTimeOffset now)
    {
        var remaining = dueAt - now;
        if (remaining <= TimeSpan.Zero)
        {
            return (TimeSpan.Zero, false);
        }

        if (remaining > MaxVisibilityDelay)
        {
            return (MaxVisibilityDelay, true);
        }

        return (TimeSpan.FromSeconds(Math.Ceiling(remaining.TotalSeconds)), false);
    }
}
