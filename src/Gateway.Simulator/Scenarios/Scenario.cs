using Gateway.Client.Json;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;

namespace Gateway.Simulator.Scenarios;

/// <summary>
/// A script for what happens to a transaction after the user confirms, and which faults to inject.
/// Applies to transactions created after it is set as the default, or to one transaction when set on it.
/// </summary>
public sealed record Scenario
{
    /// <summary>Outcome per ticker (case-insensitive); tickers not listed get <see cref="DefaultOutcome"/>.</summary>
    public IReadOnlyDictionary<string, OrderOutcome> Outcomes { get; init; } = new Dictionary<string, OrderOutcome>();

    public OrderOutcome DefaultOutcome { get; init; } = OrderOutcome.Fill;

    /// <summary>What the user picks in the SDK: LIMIT, SL and SL-M are offered only by the limit-order brokers.</summary>
    public OrderType OrderType { get; init; } = OrderType.Market;

    /// <summary>Whether the broker takes after-market orders; when false, confirming outside the session ends in <c>market_closed</c>.</summary>
    public bool AmoAllowed { get; init; } = true;

    /// <summary>An SDK error that ends the flow at confirm instead of placing orders, e.g. <c>insufficient_holdings</c>.</summary>
    public TransactionError? ConfirmError { get; init; }

    public WebhookFaults Webhooks { get; init; } = new();

    /// <summary>
    /// Faults armed on the Gateway APIs when this scenario is set, keyed by <see cref="ApiNames"/>. They apply to the
    /// next calls of that API whatever the transaction.
    /// </summary>
    public IReadOnlyDictionary<string, ApiFault> ApiFaults { get; init; } = new Dictionary<string, ApiFault>();

    public static Scenario Default { get; } = new();

    public OrderOutcome OutcomeFor(string ticker)
    {
        foreach (var (key, outcome) in Outcomes)
        {
            if (string.Equals(key, ticker, StringComparison.OrdinalIgnoreCase))
            {
                return outcome;
            }
        }

        return DefaultOutcome;
    }

    /// <summary>True when any order would be a LIMIT, SL or SL-M order, which only the limit-order brokers offer.</summary>
    public bool NeedsLimitOrders(IEnumerable<string> tickers) =>
        OrderType != OrderType.Market || tickers.Any(ticker => OrderTypeFor(ticker) != OrderType.Market);

    /// <summary>The order type of a ticker's order: the one its outcome names, else the one its outcome implies, else the scenario's.</summary>
    public OrderType OrderTypeFor(string ticker)
    {
        var outcome = OutcomeFor(ticker);
        return outcome.OrderType ?? outcome.Kind switch
        {
            OutcomeKind.LimitOpen => OrderType.Limit,
            OutcomeKind.TriggerPending => OrderType == OrderType.StopLossMarket ? OrderType.StopLossMarket : OrderType.StopLoss,
            _ => OrderType,
        };
    }

    /// <summary>
    /// This scenario with the user's choice of <paramref name="orderType"/> for <paramref name="ticker"/>: LIMIT stays
    /// open until the close, SL and SL-M wait for a trigger reached after the outcome's <c>settleAfter</c> (else
    /// <paramref name="triggerAfter"/>), MARKET fills as scripted. A scripted price is kept.
    /// </summary>
    public Scenario WithOrderType(string ticker, OrderType orderType, TimeSpan triggerAfter)
    {
        var scripted = OutcomeFor(ticker);
        var chosen = orderType == OrderType.Limit ? scripted with { Kind = OutcomeKind.LimitOpen, OrderType = orderType }
            : orderType == OrderType.StopLoss || orderType == OrderType.StopLossMarket
                ? scripted with { Kind = OutcomeKind.TriggerPending, OrderType = orderType, SettleAfter = scripted.SettleAfter ?? triggerAfter }
            : scripted with { Kind = scripted.Kind is OutcomeKind.LimitOpen or OutcomeKind.TriggerPending ? OutcomeKind.Fill : scripted.Kind, OrderType = orderType };
        var outcomes = Outcomes.Where(o => !string.Equals(o.Key, ticker, StringComparison.OrdinalIgnoreCase)).ToDictionary();
        outcomes[ticker] = chosen;
        return this with { Outcomes = outcomes };
    }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (ticker, outcome) in Outcomes)
        {
            if (string.IsNullOrWhiteSpace(ticker))
            {
                problems.Add("outcomes: a ticker is empty.");
            }

            outcome.Validate($"outcomes.{ticker}", problems);
        }

        DefaultOutcome.Validate("defaultOutcome", problems);
        if (!OpenEnumeration.IsKnown(OrderType))
        {
            problems.Add("orderType must be MARKET, LIMIT, SL or SL-M.");
        }

        if (ConfirmError is not null && string.IsNullOrWhiteSpace(ConfirmError.Code))
        {
            problems.Add("confirmError.code is required.");
        }

        Webhooks.Validate(problems);
        foreach (var (api, fault) in ApiFaults)
        {
            if (!ApiNames.All.Contains(api, StringComparer.Ordinal))
            {
                problems.Add($"apiFaults: '{api}' is not one of {string.Join(", ", ApiNames.All)}.");
            }

            fault.Validate($"apiFaults.{api}", problems);
        }

        return problems;
    }
}

public enum OutcomeKind
{
    /// <summary>Fills completely at execution: <c>COMPLETE</c>.</summary>
    Fill,

    /// <summary><c>PARTIAL</c> with <see cref="OrderOutcome.FilledQuantity"/>, then <see cref="OrderOutcome.Then"/> at settlement.</summary>
    Partial,

    /// <summary><c>REJECTED</c> by the broker or exchange with <see cref="OrderOutcome.ErrorCode"/>.</summary>
    Reject,

    /// <summary>Never reaches the broker: listed in <c>unplaced[]</c> with status <c>ERROR</c>.</summary>
    Unplaced,

    /// <summary>A LIMIT order that stays open (optionally part-filled) and is cancelled at the session close.</summary>
    LimitOpen,

    /// <summary>Placed, then failed in the broker adapter: status <c>ERROR</c> in <c>orders[]</c>.</summary>
    Error,

    /// <summary>
    /// An SL or SL-M order waiting for its trigger price: <c>PLACED</c> until the trigger is reached after
    /// <see cref="OrderOutcome.SettleAfter"/> (then it fills completely), or, without it, until the close, where the
    /// exchange cancels it like an open LIMIT order.
    /// </summary>
    TriggerPending,
}

/// <summary>How a partial fill ends.</summary>
public enum PartialEnd
{
    /// <summary>The rest is cancelled; the filled part stays.</summary>
    Cancelled,

    /// <summary>The rest fills too.</summary>
    Complete,
}

public sealed record OrderOutcome
{
    public const string DefaultRejectCode = "orderUnmatched";
    public const string DefaultUnplacedCode = "adapterError";
    public const string DefaultErrorCode = "adapterError";

    public static OrderOutcome Fill { get; } = new();

    public OutcomeKind Kind { get; init; } = OutcomeKind.Fill;

    /// <summary>Shares filled before settlement (<see cref="OutcomeKind.Partial"/>, <see cref="OutcomeKind.LimitOpen"/>); kept below the order quantity.</summary>
    public int? FilledQuantity { get; init; }

    /// <summary>For reject, unplaced and error; e.g. checkHoldings, marginsExceeded, orderUnmatched, circuitLimitExceeded.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The raw broker text; a typical one per known error code when omitted.</summary>
    public string? StatusMessage { get; init; }

    /// <summary>Average fill price in INR; when omitted, a deterministic price within ±1% of the ticker's <see cref="Market.PriceBook"/> reference.</summary>
    public decimal? Price { get; init; }

    public PartialEnd Then { get; init; } = PartialEnd.Cancelled;

    /// <summary>The order's type when the user chose it in the SDK; else LIMIT for <see cref="OutcomeKind.LimitOpen"/>, SL for <see cref="OutcomeKind.TriggerPending"/>, or the scenario's.</summary>
    public OrderType? OrderType { get; init; }

    /// <summary>
    /// When a partial fill settles, or a pending stop-loss order's trigger is reached, after execution (simulated time);
    /// at the session close when omitted.
    /// </summary>
    public TimeSpan? SettleAfter { get; init; }

    internal void Validate(string path, List<string> problems)
    {
        if (!Enum.IsDefined(Kind))
        {
            problems.Add($"{path}.kind is not a known outcome.");
        }

        if (Kind == OutcomeKind.Partial && FilledQuantity is null or < 1)
        {
            problems.Add($"{path}.filledQuantity must be at least 1 for a partial fill.");
        }

        if (FilledQuantity is < 0)
        {
            problems.Add($"{path}.filledQuantity must not be negative.");
        }

        if (Price is <= 0)
        {
            problems.Add($"{path}.price must be positive.");
        }

        if (OrderType is { } orderType && !OpenEnumeration.IsKnown(orderType))
        {
            problems.Add($"{path}.orderType must be MARKET, LIMIT, SL or SL-M.");
        }

        if (SettleAfter is { } settle && settle < TimeSpan.Zero)
        {
            problems.Add($"{path}.settleAfter must not be negative.");
        }
    }
}

/// <summary>Faults applied to this transaction's webhooks.</summary>
public sealed record WebhookFaults
{
    public const int MaxDuplicates = 10;

    /// <summary>Copies delivered of each webhook (1 = no duplicates).</summary>
    public int Duplicates { get; init; } = 1;

    /// <summary>Hold <c>placed</c> and <c>updated</c> webhooks back and deliver them after <c>completed</c>.</summary>
    public bool Reorder { get; init; }

    /// <summary>Kinds never delivered: <c>placed</c>, <c>updated</c>, <c>completed</c>, or <c>all</c>.</summary>
    public IReadOnlyList<string> Drop { get; init; } = [];

    /// <summary>Simulated time between the event and the first delivery attempt.</summary>
    public TimeSpan Delay { get; init; }

    public bool Drops(WebhookKind kind) =>
        Drop.Any(d => string.Equals(d, "all", StringComparison.OrdinalIgnoreCase)
            || string.Equals(d, WebhookKinds.Name(kind), StringComparison.OrdinalIgnoreCase));

    internal void Validate(List<string> problems)
    {
        if (Duplicates is < 1 or > MaxDuplicates)
        {
            problems.Add($"webhooks.duplicates must be between 1 and {MaxDuplicates}.");
        }

        if (Delay < TimeSpan.Zero)
        {
            problems.Add("webhooks.delay must not be negative.");
        }

        foreach (var kind in Drop)
        {
            if (!string.Equals(kind, "all", StringComparison.OrdinalIgnoreCase) && WebhookKinds.Parse(kind) is null)
            {
                problems.Add($"webhooks.drop: '{kind}' is not placed, updated, completed or all.");
            }
        }
    }
}

/// <summary>Why a webhook was sent.</summary>
public enum WebhookKind
{
    /// <summary>The orders were placed (at confirm).</summary>
    Placed,

    /// <summary>An open order changed: AMO executed, a partial fill, a limit order part-filled.</summary>
    Updated,

    /// <summary>Every order reached a final status.</summary>
    Completed,
}

public static class WebhookKinds
{
    public static string Name(WebhookKind kind) => kind switch
    {
        WebhookKind.Placed => "placed",
        WebhookKind.Updated => "updated",
        _ => "completed",
    };

    public static WebhookKind? Parse(string? name) => name?.ToUpperInvariant() switch
    {
        "PLACED" => WebhookKind.Placed,
        "UPDATED" => WebhookKind.Updated,
        "COMPLETED" => WebhookKind.Completed,
        _ => null,
    };
}

public enum ApiFaultKind
{
    /// <summary>Answer with <see cref="ApiFault.Status"/> and a failure envelope.</summary>
    Status,

    /// <summary>Hang for <see cref="ApiFault.Duration"/>, then drop the connection without an answer.</summary>
    Timeout,

    /// <summary>Wait <see cref="ApiFault.Duration"/>, then answer normally.</summary>
    Slow,
}

/// <summary>A fault on the next <see cref="Count"/> calls of one Gateway API. Durations are real time, capped by the options' MaxApiHang.</summary>
public sealed record ApiFault
{
    public static readonly TimeSpan DefaultSlowDuration = TimeSpan.FromSeconds(2);

    public ApiFaultKind Kind { get; init; } = ApiFaultKind.Status;

    public int Status { get; init; } = 503;

    public int Count { get; init; } = 1;

    /// <summary>Timeout: defaults to the MaxApiHang option; slow: defaults to <see cref="DefaultSlowDuration"/>.</summary>
    public TimeSpan? Duration { get; init; }

    internal void Validate(string path, List<string> problems)
    {
        if (!Enum.IsDefined(Kind))
        {
            problems.Add($"{path}.kind must be status, timeout or slow.");
        }

        if (Count < 1)
        {
            problems.Add($"{path}.count must be at least 1.");
        }

        if (Kind == ApiFaultKind.Status && Status is < 400 or > 599)
        {
            problems.Add($"{path}.status must be an HTTP error status (400-599).");
        }

        if (Duration is { } duration && duration < TimeSpan.Zero)
        {
            problems.Add($"{path}.duration must not be negative.");
        }
    }
}

/// <summary>The Gateway APIs a fault can target.</summary>
public static class ApiNames
{
    public const string CreateTransaction = "transaction";
    public const string TransactionDetails = "transactiondetails";
    public const string OrderDetails = "orders";

    public static IReadOnlyList<string> All { get; } = [CreateTransaction, TransactionDetails, OrderDetails];
}
