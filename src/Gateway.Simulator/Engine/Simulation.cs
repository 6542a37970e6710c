using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Client.Auth;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Simulator.Clock;
using Gateway.Simulator.Market;
using Gateway.Simulator.Scenarios;
using Gateway.Simulator.Webhooks;
using Microsoft.Extensions.Logging;

namespace Gateway.Simulator.Engine;

/// <summary>
/// The simulated Gateway: transactions, the user's SDK steps, the market and the webhooks. All state sits behind
/// one lock, so every operation is atomic; webhook POSTs happen outside it.
/// </summary>
public sealed partial class Simulation : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, SimTransaction> transactions = new(StringComparer.Ordinal);
    private readonly Dictionary<BrokerAccount, string> authIdsByAccount = [];
    private readonly Dictionary<string, BrokerAccount> accountsByAuthId = new(StringComparer.Ordinal);
    private readonly Timeline timeline = new();
    private readonly SimulatorOptions options;
    private readonly SimulatorClock clock;
    private readonly MarketCalendar calendar;
    private readonly GatewayTokens tokens;
    private readonly WebhookSender sender;
    private readonly ILogger<Simulation> logger;
    private Scenario defaultScenario = Scenario.Default;
    private Uri? webhookUrl;
    private long exchangeOrderSequence;
    private long accountSequence;

    public Simulation(
        SimulatorOptions options,
        SimulatorClock clock,
        MarketCalendar calendar,
        GatewayTokens tokens,
        ApiFaultBoard faults,
        WebhookSender sender,
        ILogger<Simulation> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.clock = clock;
        this.calendar = calendar;
        this.tokens = tokens;
        this.sender = sender;
        this.logger = logger;
        Faults = faults;
        webhookUrl = options.WebhookUrl;
    }

    public ApiFaultBoard Faults { get; }

    /// <summary>Where webhooks go; null stops new ones from being generated.</summary>
    public Uri? WebhookUrl
    {
        get
        {
            lock (gate)
            {
                return webhookUrl;
            }
        }

        set
        {
            lock (gate)
            {
                webhookUrl = value;
            }
        }
    }

    /// <summary>The scenario every new transaction starts with.</summary>
    public Scenario DefaultScenario
    {
        get
        {
            lock (gate)
            {
                return defaultScenario;
            }
        }
    }

    /// <summary>Sets the scenario for transactions created from now on, and arms its API faults.</summary>
    public void SetDefaultScenario(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        lock (gate)
        {
            defaultScenario = scenario;
        }

        Faults.Arm(scenario.ApiFaults);
    }

    /// <summary>Replaces one transaction's scenario and arms its API faults; false when there is no such transaction.</summary>
    public bool SetScenario(string transactionId, Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        lock (gate)
        {
            if (!transactions.TryGetValue(transactionId, out var transaction))
            {
                return false;
            }

            transaction.Scenario = scenario;
        }

        Faults.Arm(scenario.ApiFaults);
        return true;
    }

    /// <summary>
    /// <c>POST /gateway/{gw}/transaction</c> with the <c>CANCEL_ORDER</c> intent: a transaction whose confirmation
    /// cancels the open order of <paramref name="request"/>'s ticker in its batch.
    /// </summary>
    /// <returns>Null and the problem when the caller sees no such batch, or the ticker has no open order in it.</returns>
    public (CreatedTransaction? Created, string? Problem) CreateCancellation(CancelOrderRequest request, GatewayTokenClaims caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        lock (gate)
        {
            var original = transactions.Values.FirstOrDefault(t =>
                t.Batch is { } batch && string.Equals(batch.BatchId, request.BatchId, StringComparison.Ordinal) && t.IsVisibleTo(caller.SmallcaseAuthId));
            if (original is null)
            {
                return (null, $"orderConfig.batchId: no batch {request.BatchId}.");
            }

            if (original.Batch!.FindOpen(request.Ticker) is null)
            {
                return (null, $"orderConfig.ticker: {request.Ticker} has no open order in batch {request.BatchId}.");
            }

            return (Add([], request.Notes, basket: null, caller, new CancelTarget(original.Id, request.BatchId, request.Ticker)), null);
        }
    }

    /// <summary><c>POST /gateway/{gw}/transaction</c> for a request that passed validation.</summary>
    public CreatedTransaction CreateTransaction(CreateTransactionRequest request, GatewayTokenClaims caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        lock (gate)
        {
            return Add(request.Securities, request.Notes, request.Basket, caller, cancels: null);
        }
    }

    /// <summary>A new transaction on the default scenario, owned by the caller's smallcaseAuthId when it has one. Under the lock.</summary>
    private CreatedTransaction Add(IReadOnlyList<SecurityOrder> securities, string? notes, BasketBranding? basket, GatewayTokenClaims caller, CancelTarget? cancels)
    {
        var now = clock.GetUtcNow();
        var transaction = new SimTransaction("TRX_" + NewHexId(32), now, now + options.TransactionLifetime, securities, notes, basket, defaultScenario)
        {
            SmallcaseAuthId = caller.SmallcaseAuthId,
            Cancels = cancels,
        };
        transactions.Add(transaction.Id, transaction);
        Log.TransactionCreated(logger, transaction.Id, transaction.Securities.Count);
        return new CreatedTransaction(transaction.Id, transaction.ExpireAt);
    }

    /// <summary><c>GET /v1/{gw}/engine/transactiondetails</c>; null when unknown or another user's.</summary>
    public TransactionDetails? GetDetails(string transactionId, GatewayTokenClaims caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        lock (gate)
        {
            return transactions.TryGetValue(transactionId, out var transaction) && transaction.IsVisibleTo(caller.SmallcaseAuthId)
                ? transaction.ToDetails()
                : null;
        }
    }

    /// <summary>
    /// <c>GET /v1/{gw}/engine/orders/sst</c>: the batches of COMPLETED transactions the caller may see that match
    /// any of the given transaction ids or batch ids. Unknown ids contribute nothing.
    /// </summary>
    public IReadOnlyList<OrderBatch> GetCompletedBatches(
        IReadOnlyCollection<string> transactionIds, IReadOnlyCollection<string> batchIds, GatewayTokenClaims caller)
    {
        ArgumentNullException.ThrowIfNull(transactionIds);
        ArgumentNullException.ThrowIfNull(batchIds);
        ArgumentNullException.ThrowIfNull(caller);
        lock (gate)
        {
            return [.. transactions.Values
                .Where(t => t.Status == TransactionStatus.Completed && t.Batch is not null && t.IsVisibleTo(caller.SmallcaseAuthId))
                .Where(t => transactionIds.Contains(t.Id) || batchIds.Contains(t.Batch!.BatchId))
                .Select(t => t.Batch!.ToWire())];
        }
    }

    public TransactionTruth? GetTruth(string transactionId)
    {
        lock (gate)
        {
            return transactions.TryGetValue(transactionId, out var t) ? TruthOf(t) : null;
        }
    }

    public IReadOnlyList<TransactionSummary> ListTransactions()
    {
        lock (gate)
        {
            return [.. transactions.Values.Select(t => new TransactionSummary(t.Id, t.Status, t.CreatedAt, t.Broker))];
        }
    }

    /// <summary>Forgets every transaction, account link, pending event and armed fault; restores the default scenario and webhook URL.</summary>
    public void Reset()
    {
        lock (gate)
        {
            transactions.Clear();
            authIdsByAccount.Clear();
            accountsByAuthId.Clear();
            timeline.Clear();
            defaultScenario = Scenario.Default;
            webhookUrl = options.WebhookUrl;
        }

        Faults.Clear();
        Log.Reset(logger);
    }

    public void Dispose() => runGate.Dispose();

    private static string NewHexId(int length) => RandomNumberGenerator.GetHexString(length, lowercase: true);

    private void SetStatus(SimTransaction transaction, TransactionStatus status)
    {
        transaction.Status = status;
        Log.StatusChanged(logger, transaction.Id, status.Value);
    }

    private TransactionTruth TruthOf(SimTransaction t) => new(
        t.Id,
        t.Status,
        t.Error,
        t.CreatedAt,
        t.ExpireAt,
        t.Notes,
        t.Basket,
        t.Opened,
        t.Broker,
        t.AccountId,
        t.SmallcaseAuthId,
        [.. t.Securities],
        t.Scenario,
        t.ToOrderResponse(),
        [.. t.Webhooks.Select(message => new WebhookTruth(
            message.Id,
            message.Kind,
            message.Timestamp,
            message.Dropped,
            message.Held,
            [.. message.Attempts],
            [.. timeline.PendingDeliveriesOf(message).Select(pending => pending.Due).Order()],
            JsonSerializer.Deserialize<JsonElement>(message.Body)))],
        t.Cancels);

    private readonly record struct BrokerAccount(string Broker, string AccountId);
}
