using Microsoft.Azure.Functions.Worker;
using Transactions.Storage;

namespace FunctionApp.Tracking;

/// <summary>
/// Every minute: sends outcome events that were saved with their change but never sent (the record activity failed
/// between saving and sending, and its retries did not get through). A transaction with unsent events may also have
/// missed its user index update, so that row is brought up to date too. When nothing older is left unsent, it moves the
/// outcome log's watermark: replay serves events up to it.
/// </summary>
public sealed partial class OutboxSweepFunction(
    TransactionStore transactions,
    OutcomePublisher publisher,
    OutcomeLogStore log,
    TimeProvider clock,
    ILogger<OutboxSweepFunction> logger)
{
    public const string Schedule = "0 */1 * * * *";

    /// <summary>How old an unsent event must be before it counts as lost: its own activity is most likely still sending it until then.</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromMinutes(2);

    /// <summary>How long a save may take to commit after its events were stamped with the time.</summary>
    public static readonly TimeSpan CommitMargin = TimeSpan.FromMinutes(1);

    private const int BatchSize = 200;

    [Function("OutboxSweep")]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var recordedBefore = clock.GetUtcNow() - LostAfter;
        var (republished, allSent) = await publisher.RepublishPendingAsync(BatchSize, recordedBefore, cancellationToken);
        if (allSent)
        {
            // Every event recorded by then is in the outcome log now, but for one whose save was still committing.
            await log.AdvanceCompleteUntilAsync(recordedBefore - CommitMargin, cancellationToken);
        }

        foreach (var transactionId in republished)
        {
            if (await transactions.GetAsync(transactionId, cancellationToken) is { } stored)
            {
                await transactions.SyncIndexAsync(stored.Record, cancellationToken);
            }
        }

        if (republished.Count > 0)
        {
            Log.OutcomesRepublished(logger, republished.Count);
        }
    }
}
