using Microsoft.Azure.Functions.Worker;
using Transactions.Storage;

namespace FunctionApp.Tracking;

/// <summary>
/// Every night: deletes what is kept of transactions that finished more than <see cref="TrackingMaintenance.KeepFinishedFor"/>
/// ago — the transaction row and its outbox, its row in the user's index, its notes reference and its idempotency record —
/// then the outcome log's days that replay no longer reaches. It finds them through the log's day partitions (the
/// final event of each transaction), never a scan, and works in bounded batches: a backlog is worked off over the
/// following nights. A transaction that never finished is never deleted.
/// </summary>
public sealed partial class RetentionFunction(
    TrackingMaintenance settings,
    OutcomeLogStore log,
    TransactionStore transactions,
    NotesRefStore notesRefs,
    IdempotencyStore idempotency,
    TimeProvider clock,
    ILogger<RetentionFunction> logger)
{
    /// <summary>Log rows one run deletes at most.</summary>
    public const int MaxRowsPerRun = 20_000;

    [Function("ApplyRetention")]
    public async Task RunAsync([TimerTrigger("0 41 2 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var finished = 0;
        var deleted = await log.DeleteDaysBeforeAsync(clock.GetUtcNow() - settings.KeepFinishedFor, MaxRowsPerRun, async (transactionIds, ct) =>
        {
            foreach (var transactionId in transactionIds)
            {
                if (await transactions.DeleteAsync(transactionId, ct) is not { } record)
                {
                    continue;
                }

                await notesRefs.DeleteAsync(record.NotesRef, ct);
                if (record.IdempotencyKey is { } key)
                {
                    await idempotency.DeleteCompletedAsync(record.UserId, key, response => response.Body.Contains(transactionId, StringComparison.Ordinal), ct);
                }

                finished++;
            }
        }, cancellationToken);
        if (deleted > 0)
        {
            Log.RetentionApplied(logger, finished, deleted, settings.KeepFinishedFor);
        }
    }
}
