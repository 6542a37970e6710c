using System.Text.Json;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Simulator.Scenarios;
using Gateway.Simulator.Webhooks;

namespace Gateway.Simulator.Engine;

/// <summary>Everything the simulator knows about one transaction: what tests and people compare the integration against.</summary>
public sealed record TransactionTruth(
    string TransactionId,
    TransactionStatus Status,
    TransactionError? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpireAt,
    string? Notes,
    BasketBranding? Basket,
    bool Opened,
    string? Broker,
    string? AccountId,
    string? SmallcaseAuthId,
    IReadOnlyList<SecurityOrder> Securities,
    Scenario Scenario,
    OrderResponse Orders,
    IReadOnlyList<WebhookTruth> Webhooks,
    CancelTarget? Cancels);

/// <summary>One generated webhook: its body as sent, whether a fault held or dropped it, every attempt and what is still due.</summary>
public sealed record WebhookTruth(
    string Id,
    WebhookKind Kind,
    string Timestamp,
    bool Dropped,
    bool Held,
    IReadOnlyList<WebhookAttempt> Attempts,
    IReadOnlyList<DateTimeOffset> PendingAttempts,
    JsonElement Body);

public sealed record TransactionSummary(string TransactionId, TransactionStatus Status, DateTimeOffset CreatedAt, string? Broker);

/// <summary>What the SDK screens show the user after a step.</summary>
public sealed record SdkView(
    string TransactionId,
    TransactionStatus Status,
    TransactionError? Error,
    string? Broker,
    string? SmallcaseAuthId,
    DateTimeOffset ExpireAt,
    IReadOnlyList<SecurityOrder> Securities,
    BasketBranding? Basket = null);

public enum SdkStepStatus
{
    /// <summary>The step happened.</summary>
    Done,

    /// <summary>No such transaction, or another user's.</summary>
    NotFound,

    /// <summary>The step is not possible in the transaction's current state; nothing changed.</summary>
    NotAllowed,

    /// <summary>The step's input is invalid; nothing changed.</summary>
    Invalid,

    /// <summary>The SDK ended the flow with an error; the transaction is now ERRORED.</summary>
    FlowEnded,
}

/// <summary>The result of one SDK step: the view after it, the order response after confirm, or why it did not happen.</summary>
public sealed record SdkStepResult(SdkStepStatus Status, SdkView? View = null, OrderResponse? Orders = null, string? Problem = null);
