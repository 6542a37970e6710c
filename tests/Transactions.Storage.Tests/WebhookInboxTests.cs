using System.Text;
using TestSupport;

namespace Transactions.Storage.Tests;

public sealed class WebhookInboxTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    private WebhookInbox Inbox => new(Clients, Time);

    [Fact]
    public void DedupeKey_IsLowerHexSha256OfTheRawBytes()
    {
        Assert.Equal(
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            WebhookInbox.DedupeKey("abc"u8));
    }

    [Fact]
    public async Task TryAddAsync_SameBodyTwice_SecondIsDuplicate()
    {
        var body = Encoding.UTF8.GetBytes("""{"transactionId":"TRX_1","orderBatches":[]}""");

        var first = await Inbox.TryAddAsync("TRX_1", body, Ct);
        var second = await Inbox.TryAddAsync("TRX_1", body.ToArray(), Ct);

        Assert.Equal(InboxAddOutcome.Added, first.Outcome);
        Assert.Equal(InboxAddOutcome.Duplicate, second.Outcome);
        Assert.Equal(first.DedupeKey, second.DedupeKey);
        Assert.Equal(body, (await Inbox.GetAsync("TRX_1", first.DedupeKey, Ct))!.Body.ToArray());
    }

    [Fact]
    public async Task TryAddAsync_SameJsonDifferentBytes_AreDistinctHits()
    {
        var compact = await Inbox.TryAddAsync("TRX_1", """{"a":1}"""u8.ToArray(), Ct);
        var spaced = await Inbox.TryAddAsync("TRX_1", """{ "a": 1 }"""u8.ToArray(), Ct);

        Assert.Equal(InboxAddOutcome.Added, spaced.Outcome);
        Assert.NotEqual(compact.DedupeKey, spaced.DedupeKey);
    }

    [Fact]
    public async Task TryAddAsync_SameBodyForAnotherTransaction_IsAdded()
    {
        var body = "{}"u8.ToArray();
        await Inbox.TryAddAsync("TRX_1", body, Ct);

        Assert.Equal(InboxAddOutcome.Added, (await Inbox.TryAddAsync("TRX_2", body, Ct)).Outcome);
    }

    [Fact]
    public async Task TryAddAsync_BodyOf64KiB_StoresTheExactBytes()
    {
        var body = new byte[WebhookInbox.MaxBodyBytes];
        new Random(7).NextBytes(body);

        var added = await Inbox.TryAddAsync("TRX_big", body, Ct);
        var entry = await Inbox.GetAsync("TRX_big", added.DedupeKey, Ct);

        Assert.Equal(InboxAddOutcome.Added, added.Outcome);
        Assert.NotNull(entry);
        Assert.Equal(body, entry.Body.ToArray());
        Assert.Equal(WebhookInbox.DedupeKey(body), entry.DedupeKey);
    }

    [Fact]
    public async Task TryAddAsync_BodyOver64KiB_IsRejectedBeforeInsert()
    {
        var result = await Inbox.TryAddAsync("TRX_huge", new byte[WebhookInbox.MaxBodyBytes + 1], Ct);

        Assert.Equal(InboxAddOutcome.TooLarge, result.Outcome);
        Assert.Null(await Inbox.GetAsync("TRX_huge", result.DedupeKey, Ct));
    }

    [Fact]
    public async Task GetAsync_AnotherTransactionsKey_ReturnsNull()
    {
        var added = await Inbox.TryAddAsync("TRX_1", "{}"u8.ToArray(), Ct);

        Assert.NotNull(await Inbox.GetAsync("TRX_1", added.DedupeKey, Ct));
        Assert.Null(await Inbox.GetAsync("TRX_2", added.DedupeKey, Ct));
    }
}
