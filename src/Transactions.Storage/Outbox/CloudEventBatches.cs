using System.Text;

namespace Transactions.Storage;

/// <summary>
/// Packs CloudEvents into queue messages in the CloudEvents JSON batch format (content type
/// <see cref="ContentType"/>): each message is a JSON array of events, as few messages as fit, in order.
/// </summary>
public static class CloudEventBatches
{
    public const string ContentType = "application/cloudevents-batch+json";

    /// <summary>
    /// The messages for <paramref name="events"/> (each one CloudEvent as JSON), each at most
    /// <paramref name="maxMessageBytes"/> bytes of UTF-8; none when there are no events.
    /// </summary>
    /// <exception cref="ArgumentException">One event alone does not fit in a message.</exception>
    public static IReadOnlyList<string> ToMessages(IEnumerable<string> events, int maxMessageBytes = StorageQueues.MaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(events);
        var messages = new List<string>();
        var current = new StringBuilder();
        var currentBytes = 0;
        foreach (var cloudEvent in events)
        {
            var bytes = Encoding.UTF8.GetByteCount(cloudEvent);
            if (bytes + 2 > maxMessageBytes)
            {
                throw new ArgumentException($"A CloudEvent of {bytes} bytes does not fit in a queue message of at most {maxMessageBytes}.", nameof(events));
            }

            // "[" + events joined by "," + "]": adding one costs its bytes and a separator (or the brackets).
            if (current.Length > 0 && currentBytes + 1 + bytes + 1 > maxMessageBytes)
            {
                messages.Add(current.Append(']').ToString());
                current.Clear();
            }

            if (current.Length == 0)
            {
                current.Append('[');
                currentBytes = 1;
            }
            else
            {
                current.Append(',');
                currentBytes++;
            }

            current.Append(cloudEvent);
            currentBytes += bytes;
        }

        if (current.Length > 0)
        {
            messages.Add(current.Append(']').ToString());
        }

        return messages;
    }
}
