using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Queues;
using Transactions.Contracts;
using Transactions.Storage;

namespace Bench.Measures;

/// <summary>
/// Reads the app's <c>transaction-outcomes</c> queue as the platform would (with a client of the bench's own, so its
/// requests are not counted) and notes when each transaction's final event (completed, failed or expired) was seen.
/// </summary>
public sealed class OutcomeWatch : IAsyncDisposable
{
    private static readonly TimeSpan EmptyQueuePause = TimeSpan.FromMilliseconds(100);

    private readonly QueueClient queue;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> finals = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stop = new();
    private readonly Task reading;

    public OutcomeWatch(string connectionString, string namePrefix)
    {
        queue = new StorageClients(new StorageOptions { ConnectionString = connectionString, NamePrefix = namePrefix }).Queue(QueueNames.TransactionOutcomes);
        reading = Task.Run(() => ReadAsync(stop.Token));
    }

    /// <returns>The <see cref="Stopwatch"/> timestamp at which the transaction's final event was read from the queue.</returns>
    public async Task<long> FinalSeenAsync(string transactionId, TimeSpan patience, CancellationToken cancellationToken)
    {
        try
        {
            return await Final(transactionId).Task.WaitAsync(patience, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No final outcome of {transactionId} was published within {patience.TotalMinutes:0.#} min.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await reading;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private TaskCompletionSource<long> Final(string transactionId) =>
        finals.GetOrAdd(transactionId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken)).Value;
            var seenAt = Stopwatch.GetTimestamp();
            foreach (var message in messages)
            {
                using var batch = JsonDocument.Parse(message.MessageText);
                foreach (var cloudEvent in batch.RootElement.EnumerateArray())
                {
                    if (cloudEvent.GetProperty("type").GetString() is OutcomeEventTypes.TransactionCompleted or OutcomeEventTypes.TransactionFailed or OutcomeEventTypes.TransactionExpired)
                    {
                        Final(cloudEvent.GetProperty("subject").GetString()!).TrySetResult(seenAt);
                    }
                }

                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }

            if (messages.Length == 0)
            {
                await Task.Delay(EmptyQueuePause, cancellationToken);
            }
        }
    }
}
