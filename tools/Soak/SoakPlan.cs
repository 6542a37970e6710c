using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Simulator.Scenarios;

namespace Soak;

/// <summary>What the user does in the Gateway SDK.</summary>
internal enum Journey
{
    /// <summary>Logs in and confirms: orders are placed.</summary>
    Confirms,

    /// <summary>Confirms, but the SDK ends the flow with <c>insufficient_holdings</c>.</summary>
    ConfirmRefused,

    /// <summary>Closes the SDK: <c>user_cancelled</c>.</summary>
    Cancels,

    /// <summary>Never opens the SDK: the transaction expires.</summary>
    NeverOpens,

    /// <summary>Logs in at the broker, then walks away: the transaction expires.</summary>
    AbandonsAfterLogin,
}

/// <summary>One transaction of the soak: its basket, what the simulator does with it, what the user and the app do.</summary>
/// <param name="ReportsSdkResult">Whether the platform's app posts the SDK's answer to the app.</param>
/// <param name="Faults">Labels of what this plan exercises, for the summary.</param>
internal sealed record TransactionPlan(
    int Index,
    string UserId,
    IReadOnlyList<SecurityOrder> Securities,
    Scenario Scenario,
    Journey Journey,
    bool ReportsSdkResult,
    IReadOnlyList<string> Faults);

/// <summary>Random plans from a seed: baskets of 1-5 securities and faults from the tracker's fault matrix.</summary>
internal static class SoakPlanner
{
    /// <summary>NSE stocks, ETFs, REITs and InvITs.</summary>
    private static readonly string[] Tickers =
    [
        "RELIANCE", "ITC", "TCS", "INFY", "HDFCBANK", "ICICIBANK", "SBIN", "LT", "AXISBANK", "WIPRO", "MARUTI", "ONGC",
        "NTPC", "NIFTYBEES", "GOLDBEES", "BANKBEES", "EMBASSY", "MINDSPACE", "PGINVIT", "INDIGRID",
    ];

    private static readonly string[] RejectCodes = ["checkHoldings", "marginsExceeded", "orderUnmatched", "circuitLimitExceeded"];

    public static TransactionPlan Plan(Random random, int index)
    {
        var faults = new List<string>();
        var securities = Tickers.OrderBy(_ => random.Next()).Take(random.Next(1, 6))
            .Select(ticker => new SecurityOrder(ticker, random.Next(1, 51), random.Next(2) == 0 ? TradeType.Buy : TradeType.Sell))
            .ToList();
        var journey = Pick(random, (Journey.Confirms, 76), (Journey.ConfirmRefused, 5), (Journey.Cancels, 8), (Journey.NeverOpens, 6), (Journey.AbandonsAfterLogin, 5));
        faults.Add(journey.ToString());
        var outcomes = new Dictionary<string, OrderOutcome>();
        if (journey == Journey.Confirms)
        {
            foreach (var security in securities)
            {
                var outcome = Outcome(random, security.Quantity!.Value);
                if (outcome.Kind != OutcomeKind.Fill)
                {
                    outcomes[security.Ticker] = outcome;
                    faults.Add(outcome.Kind.ToString().ToLowerInvariant());
                }
            }
        }

        var webhooks = new WebhookFaults
        {
            Duplicates = random.NextDouble() < 0.3 ? random.Next(2, 4) : 1,
            Reorder = random.NextDouble() < 0.15,
            Drop = Pick(random, (Array.Empty<string>(), 65), (["placed"], 10), (["completed"], 10), (["all"], 15)),
        };
        faults.AddRange(webhooks.Duplicates > 1 ? ["duplicates"] : []);
        faults.AddRange(webhooks.Reorder ? ["reorder"] : []);
        faults.AddRange(webhooks.Drop.Select(kind => $"drop {kind}"));
        var reports = random.NextDouble() < 0.5;
        faults.Add(reports ? "SDK result posted" : "no SDK result");
        var scenario = new Scenario
        {
            Outcomes = outcomes,
            Webhooks = webhooks,
            ConfirmError = journey == Journey.ConfirmRefused ? new TransactionError("insufficient_holdings", "Not enough holdings") : null,
        };
        return new TransactionPlan(index, $"soak-user-{index}", securities, scenario, journey, reports, faults);
    }

    private static OrderOutcome Outcome(Random random, int quantity)
    {
        var kind = Pick(random, (OutcomeKind.Fill, 70), (OutcomeKind.Partial, 12), (OutcomeKind.Reject, 10), (OutcomeKind.Unplaced, 5), (OutcomeKind.Error, 3));
        return kind switch
        {
            OutcomeKind.Partial when quantity > 1 => new OrderOutcome
            {
                Kind = OutcomeKind.Partial,
                FilledQuantity = random.Next(1, quantity),
                Then = random.Next(2) == 0 ? PartialEnd.Cancelled : PartialEnd.Complete,
                SettleAfter = TimeSpan.FromMinutes(random.Next(3, 21)),
            },
            OutcomeKind.Reject => new OrderOutcome { Kind = OutcomeKind.Reject, ErrorCode = RejectCodes[random.Next(RejectCodes.Length)] },
            OutcomeKind.Unplaced => new OrderOutcome { Kind = OutcomeKind.Unplaced },
            OutcomeKind.Error => new OrderOutcome { Kind = OutcomeKind.Error },
            _ => OrderOutcome.Fill,
        };
    }

    private static T Pick<T>(Random random, params (T Value, int Weight)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices)
        {
            if (roll < weight)
            {
                return value;
            }

            roll -= weight;
        }

        throw new InvalidOperationException("Weights must be positive.");
    }
}
