using FunctionApp.Api;
using Microsoft.Azure.Functions.Worker;
using Transactions.Storage;

namespace FunctionApp.Tracking;

/// <summary>Every night: deletes the outcome log's days that replay no longer reaches (<see cref="OutcomesApi.Window"/>), in bounded batches.</summary>
public sealed partial class OutcomeLogRetentionFunction(OutcomeLogStore log, TimeProvider clock, ILogger<OutcomeLogRetentionFunction> logger)
{
    /// <summary>Rows one run deletes at most; a backlog is worked off over the following nights.</summary>
    public const int MaxRowsPerRun = 20_000;

    [Function("PruneOutcomeLog")]
    public async Task RunAsync([TimerTrigger("0 41 2 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var deleted = await log.DeleteDaysBeforeAsync(clock.GetUtcNow() - OutcomesApi.Window, MaxRowsPerRun, cancellationToken);
        if (deleted > 0)
        {
            Log.OutcomeLogPruned(logger, deleted, OutcomesApi.Window);
        }
    }
}
