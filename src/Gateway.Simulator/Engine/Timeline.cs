using Gateway.Simulator.Webhooks;

namespace Gateway.Simulator.Engine;

/// <summary>Something that falls due at a simulated instant.</summary>
internal abstract record TimelineItem;

internal enum MarketEventKind
{
    /// <summary>The session opens: after-market orders execute.</summary>
    SessionOpen,

    /// <summary>The session closes: open orders are cancelled or settled.</summary>
    SessionClose,

    /// <summary>A partial fill's timed settlement.</summary>
    Settle,
}

internal sealed record MarketEvent(string TransactionId, MarketEventKind Kind, string? Ticker = null) : TimelineItem;

internal sealed record WebhookDelivery(WebhookMessage Message, int Copy, int Attempt) : TimelineItem;

/// <summary>Work ordered by due time, first come first served within an instant. Not thread-safe: used under the simulation's lock.</summary>
internal sealed class Timeline
{
    private readonly PriorityQueue<TimelineItem, (DateTimeOffset Due, long Sequence)> queue = new();
    private long sequence;

    public void Add(DateTimeOffset due, TimelineItem item) => queue.Enqueue(item, (due, sequence++));

    public bool TryTakeDue(DateTimeOffset now, out TimelineItem item, out DateTimeOffset due)
    {
        if (queue.TryPeek(out var next, out var priority) && priority.Due <= now)
        {
            queue.Dequeue();
            (item, due) = (next, priority.Due);
            return true;
        }

        (item, due) = (null!, default);
        return false;
    }

    /// <summary>When each pending delivery of <paramref name="message"/> is next due.</summary>
    public IEnumerable<(WebhookDelivery Delivery, DateTimeOffset Due)> PendingDeliveriesOf(WebhookMessage message) =>
        queue.UnorderedItems
            .Where(entry => entry.Element is WebhookDelivery d && ReferenceEquals(d.Message, message))
            .Select(entry => ((WebhookDelivery)entry.Element, entry.Priority.Due));

    public void Clear() => queue.Clear();
}
