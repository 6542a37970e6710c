using System.Text;
using System.Text.Json;

namespace Transactions.Storage.Tests;

public sealed class CloudEventBatchesTests
{
    [Fact]
    public void ToMessages_FewEvents_OneJsonArrayInOrder()
    {
        var messages = CloudEventBatches.ToMessages([Event("a", 10), Event("b", 10), Event("c", 10)]);

        var message = Assert.Single(messages);
        Assert.Equal(["a", "b", "c"], Ids(message));
    }

    [Fact]
    public void ToMessages_NoEvents_NoMessage()
    {
        Assert.Empty(CloudEventBatches.ToMessages([]));
    }

    [Fact]
    public void ToMessages_MoreThanOneMessageHolds_SplitsInOrderAndEachFits()
    {
        string[] events = [.. Enumerable.Range(0, 7).Select(i => Event($"e{i}", 300))];
        var max = 1000;

        var messages = CloudEventBatches.ToMessages(events, max);

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.InRange(Encoding.UTF8.GetByteCount(m), 1, max));
        Assert.Equal(events.Select((_, i) => $"e{i}"), messages.SelectMany(Ids));
    }

    [Fact]
    public void ToMessages_EventsFillingAMessageExactly_NoSplit()
    {
        var first = Event("a", 100);
        var second = Event("b", 100);
        var exact = 1 + Encoding.UTF8.GetByteCount(first) + 1 + Encoding.UTF8.GetByteCount(second) + 1;

        Assert.Single(CloudEventBatches.ToMessages([first, second], exact));
        Assert.Equal(2, CloudEventBatches.ToMessages([first, second], exact - 1).Count);
    }

    [Fact]
    public void ToMessages_MultiByteCharacters_CountedAsUtf8Bytes()
    {
        var rupees = Event("r", 300, '₹');
        var max = (2 * Encoding.UTF8.GetByteCount(rupees)) + 2;

        Assert.Equal(2, CloudEventBatches.ToMessages([rupees, rupees], max).Count);
    }

    [Fact]
    public void ToMessages_OneEventLargerThanAMessage_Throws()
    {
        Assert.Throws<ArgumentException>(() => CloudEventBatches.ToMessages([Event("big", 2000)], 1000));
    }

    /// <summary>A CloudEvent-shaped JSON object with <paramref name="id"/> and about <paramref name="padding"/> characters of data.</summary>
    private static string Event(string id, int padding, char fill = 'x') =>
        $$"""{"specversion":"1.0","id":"{{id}}","data":"{{new string(fill, padding)}}"}""";

    private static IEnumerable<string> Ids(string message)
    {
        using var document = JsonDocument.Parse(message);
        return [.. document.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];
    }
}
