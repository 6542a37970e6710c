using System.Text.Json.Serialization;
using Gateway.Client.Transactions;

namespace Transactions.Tracking;

/// <summary>
/// The persisted state of one tracked transaction: one Table Storage row, written with ETag concurrency.
/// Change it only through <see cref="TrackerEngine"/>, which bumps <see cref="Version"/> on every change.
/// Serialise it with <see cref="TrackerStateJson"/>.
/// </summary>
public sealed record TrackedTransaction
{
    /// <summary>How many timeline entries are kept; older ones are dropped first.</summary>
    public const int TimelineCapacity = 50;

    /// <summary>How many applied signal keys are kept; a transaction sees a handful of distinct webhooks.</summary>
    public const int AppliedSignalCapacity = 16;

    public required string TransactionId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The Gateway's expireAt for the transaction (trusted over any documented duration).</summary>
    public required DateTimeOffset ExpireAt { get; init; }

    public TrackerPhase Phase { get; init; }

    /// <summary>
    /// Bumped on every change of the tracker's state. Timer messages carry the version they were scheduled for; a stale
    /// one is a no-op. Events published for a change carry it in their ids.
    /// </summary>
    public long Version { get; init; }

    /// <summary>The latest status from the transaction-details API; it only moves forward.</summary>
    public TransactionStatus? GatewayStatus { get; init; }

    /// <summary>The Gateway's error when the status is ERRORED (e.g. <c>user_cancelled</c>, <c>transaction_expired</c>).</summary>
    public TransactionError? GatewayError { get; init; }

    public string? Broker { get; init; }

    public string? SmallcaseAuthId { get; init; }

    public TrackedOrders Orders { get; init; } = TrackedOrders.Empty;

    public DateTimeOffset? LastWebhookAt { get; init; }

    /// <summary>When the last successful poll (either API) was applied.</summary>
    public DateTimeOffset? LastPollAt { get; init; }

    /// <summary>Every poll applied, successful or failed.</summary>
    public int PollAttempts { get; init; }

    /// <summary>Successful polls in a row that brought nothing new; drives the back-off.</summary>
    public int IdlePolls { get; init; }

    /// <summary>Failed polls in a row; drives the retry back-off.</summary>
    public int ConsecutivePollFailures { get; init; }

    /// <summary>When the tracker wants to be woken (absolute); null in a terminal phase.</summary>
    public DateTimeOffset? NextWakeAt { get; init; }

    /// <summary>Which API the tracker will read when it wakes.</summary>
    public PollTarget? WaitingFor { get; init; }

    /// <summary>The keys of the last <see cref="AppliedSignalCapacity"/> signals that changed the state (see <see cref="SignalReceived.SignalKey"/>).</summary>
    public IReadOnlyList<string> AppliedSignals { get; init; } = [];

    /// <summary>The last <see cref="TimelineCapacity"/> things that happened, oldest first.</summary>
    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];

    /// <summary>When a terminal phase was reached.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    [JsonIgnore]
    public TrackerOutcomeKind Outcome => Phase.ToOutcome();

    /// <summary>
    /// Equal apart from the version and the bookkeeping lists (timeline, applied signals), i.e. nothing worth
    /// persisting happened.
    /// </summary>
    /// <remarks>
    /// States saved before events were recorded with the state change also held <c>unpublishedStockChanges</c> and
    /// <c>outcomePublicationPending</c>; deserialising ignores them.
    /// </remarks>
    internal bool HasSameContentAs(TrackedTransaction other) =>
        this == other with { Version = Version, Timeline = Timeline, AppliedSignals = AppliedSignals };
}

/// <summary>One thing that happened to a tracked transaction. Never holds secrets or personal data.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Event);
