using System.Globalization;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Simulator.Market;
using Gateway.Simulator.Scenarios;

namespace Gateway.Simulator.Engine;

/// <summary>
/// The market: orders placed in the session execute at once; outside it they are after-market orders that execute
/// at the next open; orders still open at the close are cancelled (or settled as the scenario says).
/// </summary>
public sealed partial class Simulation
{
    private const long FirstExchangeOrderId = 1_100_000_000_000_000;

    private void PlaceOrders(SimTransaction t, DateTimeOffset now)
    {
        var inSession = calendar.IsOpen(now);
        var batch = new SimBatch(NewHexId(24), t.Id, inSession ? OrderVariety.Regular : OrderVariety.Amo);
        foreach (var security in t.Securities)
        {
            var outcome = t.Scenario.OutcomeFor(security.Ticker);
            var orderType = t.Scenario.OrderTypeFor(security.Ticker);
            var exchangeOrderId = outcome.Kind == OutcomeKind.Unplaced
                ? null
                : (FirstExchangeOrderId + ++exchangeOrderSequence).ToString(CultureInfo.InvariantCulture);

            // An unplaced order never fills, so it keeps the reference price, which nothing shows.
            var price = outcome.Price
                ?? (exchangeOrderId is null ? PriceBook.ReferencePriceOf(security.Ticker) : PriceBook.FillPrice(security.Ticker, exchangeOrderId));
            var order = new SimOrder(security.Ticker, security.Type!.Value, security.Quantity!.Value, orderType, outcome, price)
            {
                ExchangeOrderId = exchangeOrderId,
            };
            if (exchangeOrderId is null)
            {
                order.Fail(StockOrderStatus.Error, outcome.ErrorCode ?? OrderOutcome.DefaultUnplacedCode);
                batch.Unplaced.Add(order);
            }
            else
            {
                batch.Orders.Add(order);
            }
        }

        t.Batch = batch;
        SetStatus(t, TransactionStatus.Processing);
        EmitWebhook(t, WebhookKind.Placed, now);
        var changed = false;
        if (inSession)
        {
            changed = Execute(t, batch, now);
        }
        else if (batch.Orders.Count > 0)
        {
            timeline.Add(calendar.NextOpen(now), new MarketEvent(t.Id, MarketEventKind.SessionOpen));
        }

        AfterChange(t, batch, now, changed);
    }

    /// <summary>Applies each placed order's scripted outcome; schedules the close when orders stay open.</summary>
    private bool Execute(SimTransaction t, SimBatch batch, DateTimeOffset at)
    {
        var changed = false;
        var staysOpen = false;
        foreach (var order in batch.Orders.Where(o => o.Status == StockOrderStatus.Placed))
        {
            var outcome = order.Outcome;
            switch (outcome.Kind)
            {
                case OutcomeKind.Fill:
                    order.FillCompletely();
                    changed = true;
                    break;
                case OutcomeKind.Partial:
                    changed |= order.FillPartly(outcome.FilledQuantity ?? 0);
                    staysOpen = true;
                    if (outcome.SettleAfter is { } settleAfter)
                    {
                        timeline.Add(at + settleAfter, new MarketEvent(t.Id, MarketEventKind.Settle, order.Ticker));
                    }

                    break;
                case OutcomeKind.Reject:
                    order.Fail(StockOrderStatus.Rejected, outcome.ErrorCode ?? OrderOutcome.DefaultRejectCode);
                    order.ExchangeOrderId = null;
                    changed = true;
                    break;
                case OutcomeKind.Error:
                    order.Fail(StockOrderStatus.Error, outcome.ErrorCode ?? OrderOutcome.DefaultErrorCode);
                    changed = true;
                    break;
                case OutcomeKind.LimitOpen:
                    changed |= order.FillPartly(outcome.FilledQuantity ?? 0);
                    staysOpen = true;
                    break;
                case OutcomeKind.TriggerPending:
                    staysOpen = true;
                    if (outcome.SettleAfter is { } triggeredAfter)
                    {
                        timeline.Add(at + triggeredAfter, new MarketEvent(t.Id, MarketEventKind.Settle, order.Ticker));
                    }

                    break;
                default:
                    throw new InvalidOperationException($"Outcome {outcome.Kind} cannot execute.");
            }
        }

        if (staysOpen)
        {
            timeline.Add(MarketCalendar.CloseOf(at), new MarketEvent(t.Id, MarketEventKind.SessionClose));
        }

        return changed;
    }

    private void ApplyMarketEvent(MarketEvent e, DateTimeOffset at)
    {
        if (!transactions.TryGetValue(e.TransactionId, out var t) || t.Batch is not { } batch)
        {
            return;
        }

        var changed = false;
        switch (e.Kind)
        {
            case MarketEventKind.SessionOpen:
                changed = Execute(t, batch, at);
                break;
            case MarketEventKind.SessionClose:
                foreach (var order in batch.Orders.Where(o => o.IsOpen))
                {
                    Settle(order, "Cancelled by the exchange at the market close", atClose: true);
                    changed = true;
                }

                break;
            case MarketEventKind.Settle:
                if (batch.FindOpen(e.Ticker!) is { } open)
                {
                    Settle(open, "Remaining quantity cancelled");
                    changed = true;
                }

                break;
            default:
                throw new InvalidOperationException($"Unknown market event {e.Kind}.");
        }

        AfterChange(t, batch, at, changed);
    }

    /// <summary>
    /// Ends an open order: a partial fill the way the scenario says, a stop-loss order whose trigger is reached (not at
    /// the close) filled, anything else cancelled.
    /// </summary>
    private static void Settle(SimOrder order, string cancelMessage, bool atClose = false)
    {
        if (order.Outcome is { Kind: OutcomeKind.Partial, Then: PartialEnd.Complete } || (order.Outcome.Kind == OutcomeKind.TriggerPending && !atClose))
        {
            order.FillCompletely();
        }
        else
        {
            order.Cancel(cancelMessage);
        }
    }

    /// <summary>After orders changed: completes the transaction when every order is final, else reports the update.</summary>
    private void AfterChange(SimTransaction t, SimBatch batch, DateTimeOffset at, bool changed)
    {
        if (batch.IsFinal && t.Status != TransactionStatus.Completed)
        {
            batch.CompletedDate = at;
            SetStatus(t, TransactionStatus.Completed);
            EmitWebhook(t, WebhookKind.Completed, at);
        }
        else if (changed)
        {
            EmitWebhook(t, WebhookKind.Updated, at);
        }
    }
}
