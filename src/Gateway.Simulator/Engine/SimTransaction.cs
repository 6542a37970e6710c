using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Simulator.Scenarios;
using Gateway.Simulator.Webhooks;

namespace Gateway.Simulator.Engine;

/// <summary>The open order a <c>CANCEL_ORDER</c> transaction cancels: a ticker in a batch of an earlier transaction.</summary>
public sealed record CancelTarget(string TransactionId, string BatchId, string Ticker);

/// <summary>One Gateway transaction and everything that happened to it. Mutated only under the simulation's lock.</summary>
internal sealed class SimTransaction(string id, DateTimeOffset createdAt, DateTimeOffset expireAt, IEnumerable<SecurityOrder> securities, string? notes, BasketBranding? basket, Scenario scenario)
{
    public string Id { get; } = id;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset ExpireAt { get; } = expireAt;

    public string? Notes { get; } = notes;

    /// <summary>For a <c>CANCEL_ORDER</c> transaction: the open order its confirmation cancels.</summary>
    public CancelTarget? Cancels { get; init; }

    /// <summary>The name and logo the SDK screens show for the basket, as created.</summary>
    public BasketBranding? Basket { get; } = basket;

    /// <summary>What the user will confirm: the request's securities, as edited in the SDK.</summary>
    public List<SecurityOrder> Securities { get; } = [.. securities];

    public Scenario Scenario { get; set; } = scenario;

    public TransactionStatus Status { get; set; } = TransactionStatus.Initialized;

    public TransactionError? Error { get; set; }

    public bool Opened { get; set; }

    public string? Broker { get; set; }

    public string? AccountId { get; set; }

    /// <summary>The owner: from a connected token at creation, else from the broker login.</summary>
    public string? SmallcaseAuthId { get; set; }

    public string? SmallcaseAuthToken { get; set; }

    public SimBatch? Batch { get; set; }

    /// <summary>Every webhook generated for this transaction, in generation order.</summary>
    public List<WebhookMessage> Webhooks { get; } = [];

    /// <summary>Webhooks held back by the reorder fault until the completed one goes out.</summary>
    public List<WebhookMessage> HeldWebhooks { get; } = [];

    /// <summary>A connected token sees only its own transactions; a guest token sees all.</summary>
    public bool IsVisibleTo(string? callerAuthId) =>
        callerAuthId is null || SmallcaseAuthId is null || string.Equals(SmallcaseAuthId, callerAuthId, StringComparison.Ordinal);

    public OrderResponse ToOrderResponse() => new()
    {
        TransactionId = Id,
        SmallcaseAuthToken = SmallcaseAuthToken,
        Broker = Broker,
        Notes = Notes,
        OrderBatches = Batch is null ? [] : [Batch.ToWire()],
    };

    public TransactionDetails ToDetails() => new()
    {
        TransactionId = Id,
        SmallcaseAuthId = SmallcaseAuthId,
        Broker = Broker,
        Details = new TransactionDetailsStatus { Status = Status, Error = Error },
    };
}
