using Microsoft.DurableTask;

namespace Transactions.Orchestration;

/// <summary>The orchestration's replay-safe clock as a <see cref="TimeProvider"/>, so the tracking engine runs unchanged inside it.</summary>
internal sealed class OrchestrationTime(TaskOrchestrationContext context) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc));
}
