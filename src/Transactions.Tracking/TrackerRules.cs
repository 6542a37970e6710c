using Gateway.Client.Orders;
using Gateway.Client.Transactions;

namespace Transactions.Tracking;

/// <summary>What one handler of the transition table produced, before the engine versions and checks it.</summary>
internal sealed record TransitionStep(TrackedTransaction State, string Note)
{
    public TrackerIgnoreReason Ignored { get; init; }

    public IReadOnlyList<StockChange> StockChanges { get; init; } = [];

    public IReadOnlyList<StockConflict> Conflicts { get; init; } = [];

    /// <summary>The signal named a smallcaseAuthId other than the transaction's; reported, never applied.</summary>
    public bool ForeignSmallcaseAuthId { get; init; }

    /// <summary>Set by the timer handler, which never changes the state.</summary>
    public TrackerAction? TimerAction { get; init; }

    public static TransitionStep Ignore(TrackedTransaction state, TrackerIgnoreReason reason) => new(state, string.Empty) { Ignored = reason };
}

/// <summary>
/// The handlers of the transition table: how each trigger changes the state, which phase follows from the evidence,
/// and when to look again.
/// </summary>
/// <remarks>
/// Scheduling (signals prompt reads; polling is the fallback):
/// <list type="bullet">
/// <item>Any phase: a webhook or SDK result brings the next read forward to now + the signal read delay, unless one is
/// due by then (or the Gateway has said COMPLETED and the order-details read is pending).</item>
/// <item>AwaitingUser: read transaction details once expireAt + grace has passed.</item>
/// <item>OrdersOpen: a poll that brings nothing new backs off exponentially. When every open order is AMO or limit (or the Gateway says PROCESSING with no
/// order known), a wake-up outside market hours moves to shortly after the next session opens, and one that would
/// pass the close while limit orders are open moves to shortly after the close.</item>
/// <item>Confirming: one order-details read shortly after entering; signals neither postpone nor advance it. If it
/// comes back empty, read again, backing off.</item>
/// <item>A failed poll is retried with its own exponential back-off.</item>
/// </list>
/// </remarks>
internal sealed class TrackerRules(TrackerTimings timings, MarketCalendar calendar)
{
    private const int MaxReasonLength = 80;
    private const int MaxChangesDescribed = 3;

    /// <summary>
    /// A webhook is a prompt to read the Gateway, nothing more: its checksum covers only timestamp + smallcaseAuthId,
    /// so whoever has seen one webhook can send any body with that triple. Nothing in the body is merged, pinned or
    /// published; a smallcaseAuthId other than the one the Gateway confirmed is reported and changes nothing else.
    /// </summary>
    public TransitionStep OnWebhook(TrackedTransaction state, WebhookReceived received, DateTimeOffset now) =>
        AfterSignal(state, state with { LastWebhookAt = now }, now, "webhook", received.Webhook.SmallcaseAuthId);

    /// <summary>
    /// What the app reported from the SDK is a prompt to read the Gateway as well. Only the smallcaseAuthId from the
    /// <c>smallcaseAuthToken</c> JWT the host verified with the Secret is taken, and only while the Gateway has named none.
    /// </summary>
    public TransitionStep OnSdkResult(TrackedTransaction state, SdkResultReceived received, DateTimeOffset now)
    {
        var next = state with { SmallcaseAuthId = state.SmallcaseAuthId ?? NullIfEmpty(received.SmallcaseAuthId) };
        var source = received.Error is { } error ? $"SDK error {Shorten(error.Code ?? error.Message)}" : "SDK result";
        return AfterSignal(state, next, now, source, received.SmallcaseAuthId);
    }

    public TransitionStep OnTransactionDetails(TrackedTransaction state, TransactionDetailsPolled polled, DateTimeOffset now)
    {
        var details = polled.Details;
        var incoming = details.Details?.Status;
        var (status, error) = (state.GatewayStatus, state.GatewayError);
        var storedRank = StatusPrecedence.Rank(status);
        var incomingRank = StatusPrecedence.Rank(incoming);
        if (incomingRank >= 0 && incomingRank >= storedRank && storedRank < StatusPrecedence.TerminalTransactionRank)
        {
            status = incoming;
            error = incoming == TransactionStatus.Errored ? details.Details?.Error : null;
        }

        var next = Polled(state, now) with
        {
            GatewayStatus = status,
            GatewayError = error,
            Broker = NullIfEmpty(details.Broker) ?? state.Broker,
            SmallcaseAuthId = NullIfEmpty(details.SmallcaseAuthId) ?? state.SmallcaseAuthId,
        };
        var phase = status == TransactionStatus.Errored ? (IsExpiry(error) ? TrackerPhase.Expired : TrackerPhase.Failed)
            : (status == TransactionStatus.Initialized || status == TransactionStatus.Used) && now >= ExpiryCheckAt(state) ? TrackerPhase.Expired
            : DeriveOpenPhase(next);
        next = next with { Phase = phase };
        var news = status != state.GatewayStatus || error != state.GatewayError || phase != state.Phase;
        var note = $"transaction details {Describe(incoming)}" + (error is { } e && news ? $" ({Shorten(e.Code ?? e.Message)})" : string.Empty);
        return new TransitionStep(AfterPoll(state, next, news, now), note);
    }

    /// <summary>
    /// The flow ended because the transaction expired: its 15 minutes ran out, or the user refreshed the order window
    /// (smallcase documents both). The Gateway names it <c>transaction_expired</c>, as the code or, with the SDKs' number
    /// 1005 as the code, as the message.
    /// </summary>
    private static bool IsExpiry(TransactionError? error) =>
        error is not null && (error.Code is "transaction_expired" or "1005" || error.Message == "transaction_expired");

    public TransitionStep OnOrderDetails(TrackedTransaction state, OrderDetailsPolled polled, DateTimeOffset now)
    {
        var merge = state.Orders.Merge(polled.Details.OrderBatches, state.TransactionId);
        var next = Polled(state, now) with { Orders = merge.Orders };

        // The order-details API returns orders only for COMPLETED transactions: orders from it with every stock final
        // are the Gateway's own confirmation, and say what transaction details would say.
        var phase = merge.StocksAccepted > 0 && merge.Orders.AllFinal ? TrackerPhase.Completed : DeriveOpenPhase(next);
        next = phase == TrackerPhase.Completed
            ? next with { Phase = phase, GatewayStatus = TransactionStatus.Completed, GatewayError = null }
            : next with { Phase = phase };
        var note = merge.StocksAccepted == 0 ? "order details empty" : $"order details: {Describe(merge)}";
        return new TransitionStep(AfterPoll(state, next, merge.Changed || phase != state.Phase, now), note)
        {
            StockChanges = merge.StockChanges,
            Conflicts = merge.Conflicts,
        };
    }

    public static TransitionStep OnTimer(TrackedTransaction state, TimerFired fired, DateTimeOffset now)
    {
        if (fired.ScheduledForVersion != state.Version || state.NextWakeAt is not { } wakeAt)
        {
            return TransitionStep.Ignore(state, TrackerIgnoreReason.StaleTimer);
        }

        var action = wakeAt <= now
            ? TrackerAction.Poll(state.WaitingFor ?? PollTarget.TransactionDetails, wakeAt)
            : TrackerAction.Wake(wakeAt);
        return new TransitionStep(state, string.Empty) { TimerAction = action };
    }

    public TransitionStep OnPollFailed(TrackedTransaction state, PollFailed failed, DateTimeOffset now)
    {
        var failures = state.ConsecutivePollFailures + 1;
        var next = state with
        {
            PollAttempts = state.PollAttempts + 1,
            ConsecutivePollFailures = failures,
            NextWakeAt = now + timings.PollRetry(failures),
            WaitingFor = failed.Target,
        };
        return new TransitionStep(next, $"{failed.Target} poll failed ({Shorten(failed.Reason)}), attempt {failures}");
    }

    /// <summary>The non-terminal phase the evidence supports; it never moves back to AwaitingUser once orders or progress are known.</summary>
    internal static TrackerPhase DeriveOpenPhase(TrackedTransaction state)
    {
        if (state.GatewayStatus == TransactionStatus.Completed)
        {
            return TrackerPhase.Confirming;
        }

        if (state.Orders.Stocks.Count > 0)
        {
            return state.Orders.AllFinal ? TrackerPhase.Confirming : TrackerPhase.OrdersOpen;
        }

        return StatusPrecedence.Rank(state.GatewayStatus) == StatusPrecedence.InProgressTransactionRank
            ? TrackerPhase.OrdersOpen
            : TrackerPhase.AwaitingUser;
    }

    /// <summary>
    /// Moves a wake-up for open orders to when the exchange can have changed them: orders that are all AMO or limit
    /// only move in a session, and limit orders still open at the close are cancelled by the exchange then.
    /// </summary>
    internal DateTimeOffset AlignToMarket(TrackedTransaction state, DateTimeOffset now, DateTimeOffset due)
    {
        var open = state.Orders.OpenStocks.ToList();
        var sessionBound = open.Count > 0
            ? open.TrueForAll(stock => stock.IsSessionBound)
            : state.GatewayStatus == TransactionStatus.Processing;
        if (!sessionBound)
        {
            return due;
        }

        if (calendar.IsOpen(now))
        {
            var close = calendar.NextClose(now);
            if (due < close)
            {
                return due;
            }

            // Unknown orders behind PROCESSING may be limit or stop-loss orders too.
            if (open.Count == 0 || open.Exists(stock => stock.OrderType?.RestsUntilClose == true))
            {
                return close + timings.AfterCloseDelay;
            }
        }

        return calendar.IsOpen(due) ? due : calendar.NextOpen(due) + timings.SessionOpenDelay;
    }

    /// <summary>
    /// Reads the Gateway <see cref="TrackerTimings.SignalReadDelay"/> after a signal, unless a read is due by then
    /// anyway (so a burst of signals is one read, and a stream of them never postpones it). Once the Gateway has said
    /// COMPLETED, the order-details read already pending is kept. A <paramref name="claimedAuthId"/> other than the
    /// transaction's is reported, never applied.
    /// </summary>
    private TransitionStep AfterSignal(TrackedTransaction previous, TrackedTransaction next, DateTimeOffset now, string source, string? claimedAuthId)
    {
        var readAt = now + timings.SignalReadDelay;
        var step = previous.GatewayStatus == TransactionStatus.Completed || previous.NextWakeAt <= readAt
            ? new TransitionStep(next, $"{source}: a Gateway read is due already")
            : new TransitionStep(Wake(next, readAt, PollTarget.TransactionDetails), $"{source}: reading the Gateway");
        return step with { ForeignSmallcaseAuthId = NamesOtherAccount(previous, claimedAuthId) };
    }

    private TrackedTransaction AfterPoll(TrackedTransaction previous, TrackedTransaction next, bool news, DateTimeOffset now)
    {
        next = next with { IdlePolls = news ? 0 : previous.IdlePolls + 1 };
        var backoff = timings.Backoff(next.IdlePolls);
        return next.Phase switch
        {
            TrackerPhase.AwaitingUser => Wake(
                next, now < ExpiryCheckAt(next) ? ExpiryCheckAt(next) : now + backoff, PollTarget.TransactionDetails),
            TrackerPhase.OrdersOpen => Wake(next, AlignToMarket(next, now, now + backoff), PollTarget.TransactionDetails),
            TrackerPhase.Confirming when previous.Phase != TrackerPhase.Confirming => Wake(next, now + timings.ConfirmDelay, PollTarget.OrderDetails),
            TrackerPhase.Confirming => Wake(
                next,
                now + (news ? timings.ConfirmDelay : backoff),
                next.GatewayStatus == TransactionStatus.Completed ? PollTarget.OrderDetails : PollTarget.TransactionDetails),
            _ => next with { NextWakeAt = null, WaitingFor = null },
        };
    }

    private DateTimeOffset ExpiryCheckAt(TrackedTransaction state) => state.ExpireAt + timings.ExpiryGrace;

    private static TrackedTransaction Polled(TrackedTransaction state, DateTimeOffset now) => state with
    {
        LastPollAt = now,
        PollAttempts = state.PollAttempts + 1,
        ConsecutivePollFailures = 0,
    };

    private static TrackedTransaction Wake(TrackedTransaction state, DateTimeOffset at, PollTarget target) =>
        state with { NextWakeAt = at, WaitingFor = target };

    private static bool NamesOtherAccount(TrackedTransaction state, string? smallcaseAuthId) =>
        !string.IsNullOrEmpty(smallcaseAuthId)
        && state.SmallcaseAuthId is not null
        && !string.Equals(state.SmallcaseAuthId, smallcaseAuthId, StringComparison.Ordinal);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Shorten(string? text) =>
        string.IsNullOrEmpty(text) ? "unspecified" : text.Length <= MaxReasonLength ? text : text[..MaxReasonLength];

    private static string Describe(TransactionStatus? status) =>
        status is { Value: { Length: > 0 } value } ? Shorten(value) : "without a status";

    private static string Describe(OrderMergeResult merge)
    {
        if (merge.StockChanges.Count == 0)
        {
            return merge.Conflicts.Count == 0 ? "no stock changed" : $"{merge.Conflicts.Count} conflicting stock(s) ignored";
        }

        var described = merge.StockChanges.Take(MaxChangesDescribed).Select(change =>
            $"{change.Ticker} {change.TransactionType} {change.OldStatus?.Value ?? "new"}->{change.NewStatus} {change.FilledQuantity}/{change.Quantity}");
        var more = merge.StockChanges.Count > MaxChangesDescribed ? $" +{merge.StockChanges.Count - MaxChangesDescribed} more" : string.Empty;
        return string.Join(", ", described) + more;
    }
}
