using Microsoft.Azure.Functions.Worker;
using Transactions.Storage;

namespace FunctionApp.Tracking;

/// <summary>
/// Every minute: sends outcome events that were saved with their change but never sent (their sending failed, flagged
/// the transaction, and the record activity's retries did not get through). It reads only the flags, never the whole
/// table. A transaction with unsent events may also have missed its user index update, so that row is brought up to
/// date too.
/// </summary>
public sealed partial class OutboxSweepFunction(
    TransactionStore transactions,
    OutcomePublisher publisher,
    TimeProvider clock,
    ILogger<OutboxSweepFunction> logger)
{
    public const string Schedule = "0 */1 * * * *";

    /// <summary>How old a flag must be before the sweep sends its events: the record activity is most likely still retrying until then.</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromMinutes(2);

    private const int BatchSize = 50;

    [Function("OutboxSweep")]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var republished = await publisher.RepublishFlaggedAsync(BatchSize, clock.GetUtcNow() - LostAfter, cancellationToken);
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
