using System.Globalization;
using Gateway.Client.Auth;
using Gateway.Client.Json;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;

namespace Gateway.Simulator.Engine;

/// <summary>The user's side of the SDK flow: open, choose a broker, log in, edit, confirm or cancel.</summary>
public sealed partial class Simulation
{
    private const string LeprechaunSuffix = "-leprechaun";

    /// <summary>The app opens the SDK with the transaction id. After <c>expireAt</c> the flow ends in <c>transaction_expired</c>.</summary>
    public SdkStepResult Open(string transactionId, GatewayTokenClaims caller) =>
        Step(transactionId, caller, requireOpened: false, (t, _) =>
        {
            t.Opened = true;
            return Done(t);
        });

    /// <summary>The user picks a broker: one of the configured keys, optionally with the <c>-leprechaun</c> test suffix.</summary>
    public SdkStepResult ChooseBroker(string transactionId, string? broker, GatewayTokenClaims caller) =>
        Step(transactionId, caller, requireOpened: true, (t, _) =>
        {
            if (t.Status != TransactionStatus.Initialized)
            {
                return NotAllowed(t, "The broker is chosen before the broker login.");
            }

            var key = CanonicalBroker(broker);
            if (key is null)
            {
                return new SdkStepResult(SdkStepStatus.Invalid, ViewOf(t), Problem: $"'{broker}' is not a supported broker.");
            }

            t.Broker = key;
            return Done(t);
        });

    /// <summary>
    /// The user logs in at the broker. The first login of a broker account gets a new smallcaseAuthId; later ones get
    /// the same. When the SDK was opened with a connected token (or the transaction was created with one) and the
    /// account's smallcaseAuthId differs, the flow ends in <c>user_mismatch</c>.
    /// </summary>
    public SdkStepResult Login(string transactionId, string? accountId, GatewayTokenClaims caller) =>
        Step(transactionId, caller, requireOpened: true, (t, _) =>
        {
            if (t.Status != TransactionStatus.Initialized)
            {
                return NotAllowed(t, "The user has already logged in.");
            }

            if (accountId is not null && string.IsNullOrWhiteSpace(accountId))
            {
                return new SdkStepResult(SdkStepStatus.Invalid, ViewOf(t), Problem: "accountId must not be blank.");
            }

            var expectedAuthId = caller.SmallcaseAuthId ?? t.SmallcaseAuthId;
            var broker = t.Broker
                ?? (expectedAuthId is not null && accountsByAuthId.TryGetValue(expectedAuthId, out var linked) ? linked.Broker : null);
            if (broker is null)
            {
                return NotAllowed(t, "Choose a broker first.");
            }

            t.Broker = broker;
            var (account, authId) = ResolveAccount(broker, accountId?.Trim(), expectedAuthId);
            t.AccountId = account.AccountId;
            if (expectedAuthId is not null && !string.Equals(authId, expectedAuthId, StringComparison.Ordinal))
            {
                return EndFlow(t, FlowErrors.UserMismatch);
            }

            t.SmallcaseAuthId = authId;
            t.SmallcaseAuthToken = tokens.MintConnected(authId);
            SetStatus(t, TransactionStatus.Used);
            return Done(t);
        });

    /// <summary>When the trigger of a stop-loss order the user chose is reached, unless the scenario says.</summary>
    public static readonly TimeSpan ChosenTriggerAfter = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The user picks a stock's order type before confirming; the limit-order brokers offer LIMIT, SL and SL-M. The
    /// transaction's scenario then plays the order out: a LIMIT order stays open until the close, a stop-loss order
    /// waits for its trigger (reached after the scenario's <c>settleAfter</c>, else <see cref="ChosenTriggerAfter"/>),
    /// a MARKET order fills as scripted.
    /// </summary>
    public SdkStepResult ChooseOrderType(string transactionId, string ticker, OrderType orderType, GatewayTokenClaims caller) =>
        Step(transactionId, caller, requireOpened: true, (t, _) =>
        {
            if (t.Status != TransactionStatus.Used || t.Cancels is not null)
            {
                return NotAllowed(t, "Order types are chosen after the broker login and before confirming an order.");
            }

            if (!t.Securities.Exists(s => string.Equals(s.Ticker, ticker, StringComparison.Ordinal)))
            {
                return new SdkStepResult(SdkStepStatus.Invalid, ViewOf(t), Problem: $"ticker: '{ticker}' is not in this transaction.");
            }

            if (!OpenEnumeration.IsKnown(orderType))
            {
                return new SdkStepResult(SdkStepStatus.Invalid, ViewOf(t), Problem: "orderType must be MARKET, LIMIT, SL or SL-M.");
            }

            if (orderType != OrderType.Market && !IsLimitOrderBroker(t.Broker!))
            {
                return NotAllowed(t, $"Limit and stop-loss orders are not offered for broker '{t.Broker}'.");
            }

            t.Scenario = t.Scenario.WithOrderType(ticker, orderType, ChosenTriggerAfter);
            return Done(t);
        });

    /// <summary>The user changes quantities or BUY/SELL before confirming. Each edit names a ticker of the transaction.</summary>
    public SdkStepResult Edit(string transactionId, IReadOnlyList<SecurityOrder>? edits, GatewayTokenClaims caller) =>
        Step(transactionId, caller, requireOpened: true, (t, _) =>
        {
            if (t.Status != TransactionStatus.Used)
            {
                return NotAllowed(t, "Orders are edited after the broker login and before confirming.");
            }

            var problems = ValidateEdits(t, edits ?? []);
            if (problems.Count > 0)
            {
                return new SdkStepResult(SdkStepStatus.Invalid, ViewOf(t), Problem: string.Join(" ", problems));
            }

            foreach (var edit in edits!)
            {
                var index = t.Securities.FindIndex(s => string.Equals(s.Ticker, edit.Ticker, StringComparison.Ordinal));
                t.Securities[index] = edit;
            }

            return Done(t);
        });

    /// <summary>
    /// The user confirms: the orders are placed now, or as after-market orders outside the session. Returns the SDK
    /// result (the order response) as the app receives it.
    /// </summary>
    public SdkStepResult Confirm(string transactionId, GatewayTokenClaims caller) =>
        Step(transactionId, caller, requireOpened: true, (t, now) =>
        {
            if (t.Status != TransactionStatus.Used)
            {
                return NotAllowed(t, "Log in at the broker before confirming.");
            }

            if (t.Cancels is { } target)
            {
                return CancelOrder(t, target, now);
            }

            if (t.Securities.Exists(s => s.Quantity is null || s.Type is null))
            {
                return NotAllowed(t, "Every security needs a quantity and a type before confirming: send them with edit.");
            }

            if (t.Scenario.NeedsLimitOrders(t.Securities.Select(s => s.Ticker)) && !IsLimitOrderBroker(t.Broker!))
            {
                return NotAllowed(t, $"Limit orders are not offered for broker '{t.Broker}'.");
            }

            if (t.Scenario.ConfirmError is { } scripted)
            {
                return EndFlow(t, scripted);
            }

            if (!calendar.IsOpen(now) && !t.Scenario.AmoAllowed)
            {
                return EndFlow(t, FlowErrors.MarketClosed);
            }

            PlaceOrders(t, now);
            return new SdkStepResult(SdkStepStatus.Done, ViewOf(t), t.ToOrderResponse());
        });

    /// <summary>Confirming a <c>CANCEL_ORDER</c> transaction: the target order is cancelled if it is still open.</summary>
    private SdkStepResult CancelOrder(SimTransaction t, CancelTarget target, DateTimeOffset now)
    {
        var original = transactions[target.TransactionId];

        // Only the broker account that placed the order can cancel it.
        if (!string.Equals(t.SmallcaseAuthId, original.SmallcaseAuthId, StringComparison.Ordinal))
        {
            return EndFlow(t, FlowErrors.UserMismatch);
        }

        if (original.Batch?.FindOpen(target.Ticker) is not { } order)
        {
            return EndFlow(t, FlowErrors.OrderNotOpen);
        }

        order.CancelByUser(afterMarket: original.Batch.Variety == OrderVariety.Amo);
        AfterChange(original, original.Batch, now, changed: true);
        SetStatus(t, TransactionStatus.Completed);

        // [assume] The SDK resolves with the original transaction's order response, the cancelled order in it.
        return new SdkStepResult(SdkStepStatus.Done, ViewOf(t), original.ToOrderResponse());
    }

    /// <summary>The user closes the SDK before confirming: the flow ends in <c>user_cancelled</c>.</summary>
    public SdkStepResult Cancel(string transactionId, GatewayTokenClaims caller) =>
        Step(transactionId, caller, requireOpened: true, (t, _) =>
        {
            var ended = EndFlow(t, FlowErrors.UserCancelled);
            return ended with { Status = SdkStepStatus.Done };
        });

    /// <summary>The user refreshes the order window: smallcase expires the transaction, so the flow ends in <c>transaction_expired</c>.</summary>
    public SdkStepResult Refresh(string transactionId, GatewayTokenClaims caller) =>
        Step(transactionId, caller, requireOpened: true, (t, _) => EndFlow(t, FlowErrors.OrderWindowRefreshed));

    private SdkStepResult Step(
        string transactionId, GatewayTokenClaims caller, bool requireOpened, Func<SimTransaction, DateTimeOffset, SdkStepResult> action)
    {
        ArgumentNullException.ThrowIfNull(caller);
        lock (gate)
        {
            if (!transactions.TryGetValue(transactionId, out var t) || !t.IsVisibleTo(caller.SmallcaseAuthId))
            {
                return new SdkStepResult(SdkStepStatus.NotFound, Problem: $"Transaction '{transactionId}' was not found.");
            }

            if (t.Status != TransactionStatus.Initialized && t.Status != TransactionStatus.Used)
            {
                return NotAllowed(t, $"The SDK flow is over: the transaction is {t.Status}.");
            }

            if (requireOpened && !t.Opened)
            {
                return NotAllowed(t, "Open the transaction first.");
            }

            var now = clock.GetUtcNow();
            return now > t.ExpireAt ? EndFlow(t, FlowErrors.TransactionExpired) : action(t, now);
        }
    }

    private SdkStepResult EndFlow(SimTransaction t, TransactionError error)
    {
        t.Error = error;
        SetStatus(t, TransactionStatus.Errored);
        Log.FlowEnded(logger, t.Id, error.Code);
        return new SdkStepResult(SdkStepStatus.FlowEnded, ViewOf(t), Problem: error.Message);
    }

    private static SdkStepResult Done(SimTransaction t) => new(SdkStepStatus.Done, ViewOf(t));

    private static SdkStepResult NotAllowed(SimTransaction t, string problem) => new(SdkStepStatus.NotAllowed, ViewOf(t), Problem: problem);

    private static SdkView ViewOf(SimTransaction t) =>
        new(t.Id, t.Status, t.Error, t.Broker, t.SmallcaseAuthId, t.ExpireAt, [.. t.Securities], t.Basket);

    /// <summary>
    /// Finds the broker account that logs in, and its smallcaseAuthId. Without an account id, a connected user logs in
    /// with the account linked to their smallcaseAuthId on that broker; a smallcaseAuthId this simulator never issued
    /// (a token minted by a test) is adopted for a new account; a guest gets a new account.
    /// </summary>
    private (BrokerAccount Account, string AuthId) ResolveAccount(string broker, string? accountId, string? expectedAuthId)
    {
        if (accountId is null && expectedAuthId is not null)
        {
            if (!accountsByAuthId.TryGetValue(expectedAuthId, out var known))
            {
                var adopted = new BrokerAccount(broker, NewAccountId());
                Link(adopted, expectedAuthId);
                return (adopted, expectedAuthId);
            }

            if (string.Equals(known.Broker, broker, StringComparison.Ordinal))
            {
                return (known, expectedAuthId);
            }
        }

        var account = new BrokerAccount(broker, accountId ?? NewAccountId());
        if (!authIdsByAccount.TryGetValue(account, out var authId))
        {
            authId = NewHexId(24);
            Link(account, authId);
        }

        return (account, authId);
    }

    private void Link(BrokerAccount account, string authId)
    {
        authIdsByAccount[account] = authId;
        accountsByAuthId[authId] = account;
    }

    private string NewAccountId() => "SIM" + (++accountSequence).ToString("D5", CultureInfo.InvariantCulture);

    private string? CanonicalBroker(string? broker)
    {
        if (string.IsNullOrWhiteSpace(broker))
        {
            return null;
        }

        var (baseKey, leprechaun) = SplitTestSuffix(broker.Trim());
        var canonical = options.Brokers.FirstOrDefault(b => string.Equals(b, baseKey, StringComparison.OrdinalIgnoreCase));
        return canonical is null ? null : canonical + (leprechaun ? LeprechaunSuffix : string.Empty);
    }

    private bool IsLimitOrderBroker(string broker) =>
        options.LimitOrderBrokers.Contains(SplitTestSuffix(broker).BaseKey, StringComparer.OrdinalIgnoreCase);

    /// <summary>Test-mode brokers carry a <c>-leprechaun</c> suffix on the same key.</summary>
    private static (string BaseKey, bool Leprechaun) SplitTestSuffix(string broker) =>
        broker.EndsWith(LeprechaunSuffix, StringComparison.OrdinalIgnoreCase)
            ? (broker[..^LeprechaunSuffix.Length], true)
            : (broker, false);

    /// <summary>The client's request rules (format, duplicates, ranges), plus: each edit names a ticker of the transaction and gives both quantity and type.</summary>
    private static List<string> ValidateEdits(SimTransaction t, IReadOnlyList<SecurityOrder> edits)
    {
        var problems = TransactionRequestValidator.Validate(new CreateTransactionRequest(edits))
            .Select(error => $"{error.Field}: {error.Message}")
            .ToList();
        for (var i = 0; i < edits.Count; i++)
        {
            var edit = edits[i];
            if (!t.Securities.Exists(s => string.Equals(s.Ticker, edit.Ticker, StringComparison.Ordinal)))
            {
                problems.Add($"securities[{i}].ticker: '{edit.Ticker}' is not in this transaction.");
            }

            if (edit.Quantity is null || edit.Type is null)
            {
                problems.Add($"securities[{i}]: an edit gives both quantity and type.");
            }
        }

        return problems;
    }
}
