using System.Text.Json;
using Gateway.Client.Webhooks;
using Gateway.Simulator.Json;
using Gateway.Simulator.Scenarios;
using Gateway.Simulator.Webhooks;

namespace Gateway.Simulator.Engine;

/// <summary>
/// Webhooks: generated under the lock as the orders change, delivered by <see cref="RunDueWorkAsync"/> in simulated
/// time order, retried per the options' schedule, shaped by the scenario's faults.
/// </summary>
public sealed partial class Simulation
{
    private readonly SemaphoreSlim runGate = new(1, 1);

    /// <summary>
    /// Runs everything due at the clock's now, earliest first: market events (AMO execution, close, settlements) and
    /// webhook deliveries with their retries. One run at a time; when it returns, nothing due is left undone.
    /// </summary>
    public async Task RunDueWorkAsync(CancellationToken cancellationToken)
    {
        await runGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (TakeNextDelivery() is { } next)
            {
                var (delivery, due, url) = next;
                WebhookSendResult result;
                try
                {
                    result = url is null
                        ? new WebhookSendResult(null, "no webhook URL is configured")
                        : await sender.SendAsync(url, delivery.Message.Body, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Not attempted after all: put it back so the next run sends it.
                    lock (gate)
                    {
                        timeline.Add(due, delivery);
                    }

                    throw;
                }

                RecordAttempt(delivery, due, result);
            }
        }
        finally
        {
            runGate.Release();
        }
    }

    /// <summary>Applies due market events until the next due item is a delivery, and takes that.</summary>
    private (WebhookDelivery Delivery, DateTimeOffset Due, Uri? Url)? TakeNextDelivery()
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            while (timeline.TryTakeDue(now, out var item, out var due))
            {
                if (item is WebhookDelivery delivery)
                {
                    return (delivery, due, webhookUrl);
                }

                ApplyMarketEvent((MarketEvent)item, due);
            }

            return null;
        }
    }

    private void RecordAttempt(WebhookDelivery delivery, DateTimeOffset at, WebhookSendResult result)
    {
        lock (gate)
        {
            if (!transactions.ContainsKey(delivery.Message.TransactionId))
            {
                // The simulator was reset while this was in flight.
                return;
            }

            var attempt = new WebhookAttempt(delivery.Copy, delivery.Attempt, at, result.StatusCode, result.Error);
            delivery.Message.Attempts.Add(attempt);
            var retryIndex = delivery.Attempt - 1;
            if (!attempt.Succeeded && retryIndex < options.WebhookRetrySchedule.Count)
            {
                timeline.Add(at + options.WebhookRetrySchedule[retryIndex], delivery with { Attempt = delivery.Attempt + 1 });
            }
        }

        Log.WebhookAttempted(logger, delivery.Message.Kind, delivery.Message.TransactionId, delivery.Copy, delivery.Attempt, result.StatusCode, result.Error);
    }

    /// <summary>
    /// Generates a webhook for the transaction as it is now. Nothing is generated while no webhook URL is set.
    /// Faults: dropped kinds are recorded but never sent; with reorder, placed/updated wait for completed and go
    /// after it; a delay moves the send (and the timestamp) later; duplicates send several copies of the same bytes.
    /// </summary>
    private void EmitWebhook(SimTransaction t, WebhookKind kind, DateTimeOffset at)
    {
        if (webhookUrl is null || t.SmallcaseAuthId is not { } authId)
        {
            return;
        }

        var faults = t.Scenario.Webhooks;
        var sendAt = at + faults.Delay;
        var timestamp = SimulatorJson.FormatInstant(sendAt);
        var orders = t.ToOrderResponse();
        var body = new GatewayWebhook
        {
            TransactionId = orders.TransactionId,
            SmallcaseAuthToken = orders.SmallcaseAuthToken,
            Broker = orders.Broker,
            Notes = orders.Notes,
            OrderBatches = orders.OrderBatches,
            Checksum = WebhookChecksum.Sign(options.ApiSecret, timestamp, authId),
            Timestamp = timestamp,
            SmallcaseAuthId = authId,
        };
        var message = new WebhookMessage(NewHexId(24), t.Id, kind, timestamp, JsonSerializer.SerializeToUtf8Bytes(body, SimulatorJson.Wire));
        t.Webhooks.Add(message);

        if (faults.Drops(kind))
        {
            message.Dropped = true;
            return;
        }

        if (faults.Reorder && kind != WebhookKind.Completed)
        {
            message.Held = true;
            t.HeldWebhooks.Add(message);
            return;
        }

        ScheduleCopies(message, sendAt, faults.Duplicates);
        if (kind == WebhookKind.Completed)
        {
            foreach (var held in t.HeldWebhooks)
            {
                held.Held = false;
                ScheduleCopies(held, sendAt, faults.Duplicates);
            }

            t.HeldWebhooks.Clear();
        }
    }

    private void ScheduleCopies(WebhookMessage message, DateTimeOffset due, int copies)
    {
        for (var copy = 1; copy <= copies; copy++)
        {
            timeline.Add(due, new WebhookDelivery(message, copy, Attempt: 1));
        }
    }
}
