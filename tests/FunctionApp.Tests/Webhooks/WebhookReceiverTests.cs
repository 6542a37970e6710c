using System.Globalization;
using System.Net;
using FunctionApp.Tests.Infrastructure;
using Gateway.Client.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TestSupport;
using Transactions.Orchestration;
using Transactions.Storage;

namespace FunctionApp.Tests.Webhooks;

[Collection(SharedAzurite.Name)]
public sealed class WebhookReceiverTests(AzuriteFixture azurite)
{
    private const string OneStock = """[{"ticker":"RELIANCE","quantity":2,"type":"BUY"}]""";
    private const string PreviousApiSecret = "harness-previous-api-secret";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Forgeries => new() { "forged checksum", "tampered timestamp", "tampered smallcaseAuthId", "wrong secret", "no checksum", "upper-case hex of another body" };

    [Fact]
    public async Task Receive_ValidWebhook_Returns200StoresTheHitOnceAndTheTrackerAppliesIt()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, notes) = await CreateAsync(harness);

        var response = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId()));

        var body = response.AssertStatus(HttpStatusCode.OK).Json;
        Assert.True(body.GetProperty("received").GetBoolean());
        Assert.False(body.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, harness.StoredHitCount(transactionId));
        await harness.WaitForWebhookReadAsync("alice", transactionId, Patience);
    }

    [Fact]
    public async Task Receive_SameBodyAgain_Returns200DuplicateAndStoresItOnce()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, notes) = await CreateAsync(harness);
        var webhook = SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId());
        (await harness.PostWebhookAsync(webhook)).AssertStatus(HttpStatusCode.OK);

        var again = await harness.PostWebhookAsync(webhook);

        Assert.True(again.AssertStatus(HttpStatusCode.OK).Json.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, harness.StoredHitCount(transactionId));
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Receive_BadChecksum_Returns401AndStoresNothing(string forgery)
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, notes) = await CreateAsync(harness);
        var authId = SignedWebhook.NewAuthId();
        var webhook = SignedWebhook.Body(harness.Simulator.Clock, transactionId, notes, authId);
        switch (forgery)
        {
            case "forged checksum":
                webhook["checksum"] = new string('a', 64);
                break;
            case "tampered timestamp":
                webhook["timestamp"] = SignedWebhook.Format(DateTimeOffset.Parse(webhook["timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture).AddMilliseconds(1));
                break;
            case "tampered smallcaseAuthId":
                webhook["smallcaseAuthId"] = SignedWebhook.NewAuthId();
                break;
            case "wrong secret":
                webhook = SignedWebhook.Body(harness.Simulator.Clock, transactionId, notes, authId, apiSecret: "not-the-api-secret");
                break;
            case "no checksum":
                webhook.Remove("checksum");
                break;
            default:
                webhook["checksum"] = WebhookChecksum.Sign(AppHarness.ApiSecret, "2020-01-01T00:00:00.000Z", authId).ToUpperInvariant();
                break;
        }

        var response = await harness.PostWebhookAsync(webhook.ToJsonString());

        response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(0, harness.StoredHitCount(transactionId));
        Assert.Equal("AwaitingUser", await harness.StoredStatusAsync(transactionId));
    }

    [Fact]
    public async Task Receive_UnknownTransaction_Returns404AndStoresNothing()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        const string unknown = "TRX_0123456789abcdef0123456789abcdef";

        var response = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, unknown, "ref_AAAAAAAAAAAAAAAAAAAA", SignedWebhook.NewAuthId()));

        response.AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(0, harness.StoredHitCount(unknown));
    }

    [Fact]
    public async Task Receive_TransactionIdNoGatewayWouldIssue_Returns404()
    {
        await using var harness = await AppHarness.StartAsync(azurite);

        var response = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, "TRX_" + new string('a', 600), null, SignedWebhook.NewAuthId()));

        response.AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Receive_NoTransactionId_Returns400()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var webhook = SignedWebhook.Body(harness.Simulator.Clock, "TRX_0123456789abcdef0123456789abcdef", null, SignedWebhook.NewAuthId());
        webhook.Remove("transactionId");

        var response = await harness.PostWebhookAsync(webhook.ToJsonString());

        response.AssertValidationProblem("transactionId");
    }

    [Fact]
    public async Task Receive_NotesOfAnotherTransaction_Returns403AndStoresNothing()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, _) = await CreateAsync(harness);
        var (_, otherNotes) = await CreateAsync(harness);

        var response = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, otherNotes, SignedWebhook.NewAuthId()));

        response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(0, harness.StoredHitCount(transactionId));
    }

    [Fact]
    public async Task Receive_WithoutNotes_IsCheckedOnTheOtherFieldsAndAccepted()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, _) = await CreateAsync(harness);

        var response = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, null, SignedWebhook.NewAuthId()));

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1, harness.StoredHitCount(transactionId));
    }

    [Fact]
    public async Task Receive_SmallcaseAuthIdOfAnotherUser_Returns403AndStoresNothing()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, notes) = await CreateAsync(harness);
        var bobsAuthId = SignedWebhook.NewAuthId();
        await harness.Service<UserLinkStore>().LinkAsync("bob", bobsAuthId, "kite", CancellationToken.None);

        var response = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, bobsAuthId));

        response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(0, harness.StoredHitCount(transactionId));
    }

    [Fact]
    public async Task Receive_SmallcaseAuthIdOfTheTransactionsOwner_IsAccepted()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, notes) = await CreateAsync(harness);
        var alicesAuthId = SignedWebhook.NewAuthId();
        await harness.Service<UserLinkStore>().LinkAsync("alice", alicesAuthId, "kite", CancellationToken.None);

        var response = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, alicesAuthId));

        response.AssertStatus(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("{\"transactionId\":")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("null")]
    public async Task Receive_MalformedJson_Returns400(string body)
    {
        await using var harness = await AppHarness.StartAsync(azurite);

        var response = await harness.PostWebhookAsync(body);

        response.AssertValidationProblem("body");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task Receive_BodyNotSentAsJson_Returns415AndStoresNothing(string? contentType)
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, notes) = await CreateAsync(harness);
        var body = SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId());
        using var client = new HttpClient();
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = new(contentType);
        }

        var response = await ApiResponse.ReadAsync(await client.PostAsync(harness.WebhookUri, content));

        response.AssertProblem(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(0, harness.StoredHitCount(transactionId));
        Assert.Equal("AwaitingUser", await harness.StoredStatusAsync(transactionId));
    }

    [Fact]
    public async Task Receive_BodyOver64KiB_Returns413AndStoresNothing()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, notes) = await CreateAsync(harness);
        var webhook = SignedWebhook.Body(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId());
        webhook["padding"] = new string('x', 70 * 1024);

        var response = await harness.PostWebhookAsync(webhook.ToJsonString());

        response.AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, harness.StoredHitCount(transactionId));
    }

    [Fact]
    public async Task Receive_SignedWithThePreviousApiSecretDuringRotation_IsAccepted()
    {
        await using var harness = await AppHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Gateway:PreviousApiSecret"] = PreviousApiSecret });
        var (transactionId, notes) = await CreateAsync(harness);

        var previous = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId(), PreviousApiSecret));
        var current = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId()));
        var neither = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId(), "yet-another-secret"));

        previous.AssertStatus(HttpStatusCode.OK);
        current.AssertStatus(HttpStatusCode.OK);
        neither.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(2, harness.StoredHitCount(transactionId));
    }

    [Fact]
    public async Task Receive_SignedWithThePreviousApiSecretOutsideRotation_Returns401()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, notes) = await CreateAsync(harness);

        var response = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId(), PreviousApiSecret));

        response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(0, harness.StoredHitCount(transactionId));
    }

    [Fact]
    public async Task Receive_TableStorageUnavailable_Returns503WithRetryAfterAndTheRedeliveryIsStored()
    {
        // The outage can catch the task hub taking the tracking's first message: it comes back after its visibility
        // timeout (10 s here, 5 min by default), as in the tracking's storage-outage test.
        await using var harness = await AppHarness.StartAsync(
            azurite, new Dictionary<string, string?> { ["Durable:MessageVisibilityTimeout"] = "00:00:10", ["Tracker:RecordRetryMax"] = "00:00:05" });
        var (transactionId, notes) = await CreateAsync(harness);
        var webhook = SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId());

        harness.Tables.Disable();
        var during = await harness.PostWebhookAsync(webhook);
        harness.Tables.Enable();

        during.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(during.Headers.RetryAfter);
        Assert.Equal(0, harness.StoredHitCount(transactionId));
        var redelivered = await harness.PostWebhookAsync(webhook);
        Assert.False(redelivered.AssertStatus(HttpStatusCode.OK).Json.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, harness.StoredHitCount(transactionId));
        await harness.WaitForWebhookReadAsync("alice", transactionId, Patience);
    }

    [Fact]
    public async Task Receive_QueueUnavailable_Returns503StoresNothingAndTheRedeliveryIsApplied()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, notes) = await CreateAsync(harness);
        var webhook = SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId());

        harness.Queues.Disable();
        var during = await harness.PostWebhookAsync(webhook);
        harness.Queues.Enable();

        during.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(during.Headers.RetryAfter);
        Assert.Equal(0, harness.StoredHitCount(transactionId));
        Assert.Equal("AwaitingUser", await harness.StoredStatusAsync(transactionId));

        var redelivered = await harness.PostWebhookAsync(webhook);

        Assert.False(redelivered.AssertStatus(HttpStatusCode.OK).Json.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, harness.StoredHitCount(transactionId));
        await harness.WaitForWebhookReadAsync("alice", transactionId, Patience);
    }

    [Fact]
    public async Task Receive_LargeBody_HandsOverOnlyASmallSignalAndIsApplied()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, notes) = await CreateAsync(harness);
        var authId = SignedWebhook.NewAuthId();
        var webhook = SignedWebhook.Body(harness.Simulator.Clock, transactionId, notes, authId);
        webhook["padding"] = new string('x', StorageQueues.MaxMessageBytes);

        var response = await harness.PostWebhookAsync(webhook.ToJsonString());

        response.AssertStatus(HttpStatusCode.OK);
        var raised = Assert.Single(harness.Signals.For(transactionId));
        // The claimed smallcaseAuthId and the trace context (55 characters), nothing of the body.
        Assert.Equal(new TrackerSignal(TrackerSignalSource.Webhook, ClaimedSmallcaseAuthId: authId), raised.Signal with { TraceParent = null });
        Assert.True(raised.Signal.TraceParent is null or { Length: 55 });
        await harness.WaitForWebhookReadAsync("alice", transactionId, Patience);
    }

    [Fact]
    public async Task Receive_BodyWithAByteOrderMark_IsAcceptedAndApplied()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, notes) = await CreateAsync(harness);
        byte[] body = [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId()))];
        using var client = new HttpClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        var response = await ApiResponse.ReadAsync(await client.PostAsync(harness.WebhookUri, content));

        response.AssertStatus(HttpStatusCode.OK);
        await harness.WaitForWebhookReadAsync("alice", transactionId, Patience);
    }

    [Fact]
    public async Task Receive_LaterWebhookOfAKnownTransaction_CostsOneSignalAndNoTableOrQueueRequest()
    {
        var requests = new StorageRequestRecorder();
        await using var harness = await AppHarness.StartAsync(azurite, storagePolicies: [requests]);
        await harness.StopTrackingWorkerAsync();
        var (transactionId, notes) = await CreateAsync(harness);
        var authId = SignedWebhook.NewAuthId();
        (await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, authId))).AssertStatus(HttpStatusCode.OK);
        var second = SignedWebhook.Body(harness.Simulator.Clock, transactionId, notes, authId, timestamp: SignedWebhook.Format(harness.Simulator.Clock.GetUtcNow().AddMinutes(9)));
        var mark = requests.Count;

        (await harness.PostWebhookAsync(second.ToJsonString())).AssertStatus(HttpStatusCode.OK);

        // The acknowledgement's one write is the signal's message in the task hub; the checks read nothing.
        Assert.Empty(requests.Since(mark));
        Assert.Equal(2, harness.Signals.For(transactionId).Count);
    }

    [Theory]
    [InlineData("2015-06-01T05:30:00.000Z", "TooOld")]
    [InlineData("2030-06-01T05:30:00.000Z", "TooFarAhead")]
    [InlineData("1433136600000", "TooOld")]
    [InlineData("1906436400000", "TooFarAhead")]
    public async Task Receive_CorrectlySignedButTimestampOutsideTheWindow_Returns401StoresNothingAndLogsWhy(string timestamp, string window)
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var logs = new FakeLogCollector();
        harness.Services.GetRequiredService<ILoggerFactory>().AddProvider(new FakeLoggerProvider(logs));
        var (transactionId, notes) = await CreateAsync(harness);

        var response = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId(), timestamp: timestamp));

        response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(0, harness.StoredHitCount(transactionId));
        Assert.Equal("AwaitingUser", await harness.StoredStatusAsync(transactionId));
        var entry = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 5002);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains(window, entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(notes, entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Id == 5001);
    }

    [Theory]
    [InlineData(-72 * 60)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(72 * 60)]
    public async Task Receive_CorrectlySignedWithinTheWindow_Returns200(int minutesFromNow)
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, notes) = await CreateAsync(harness);
        var timestamp = SignedWebhook.Format(harness.Simulator.Clock.GetUtcNow().AddMinutes(minutesFromNow));

        var response = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId(), timestamp: timestamp));

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1, harness.StoredHitCount(transactionId));
    }

    [Fact]
    public async Task Receive_EpochMillisecondsTimestampOfNow_Returns200()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var (transactionId, notes) = await CreateAsync(harness);
        var authId = SignedWebhook.NewAuthId();
        var milliseconds = harness.Simulator.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var webhook = SignedWebhook.Body(harness.Simulator.Clock, transactionId, notes, authId);
        webhook["timestamp"] = milliseconds;
        webhook["checksum"] = WebhookChecksum.Sign(AppHarness.ApiSecret, milliseconds.ToString(CultureInfo.InvariantCulture), authId);

        var response = await harness.PostWebhookAsync(webhook.ToJsonString());

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1, harness.StoredHitCount(transactionId));
    }

    [Fact]
    public async Task Receive_TimestampToleranceSetting_NarrowsTheWindow()
    {
        await using var harness = await AppHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Webhooks:TimestampTolerance"] = "00:05:00" });
        var (transactionId, notes) = await CreateAsync(harness);
        var now = harness.Simulator.Clock.GetUtcNow();

        var late = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId(), timestamp: SignedWebhook.Format(now.AddMinutes(-10))));
        var recent = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId(), timestamp: SignedWebhook.Format(now.AddMinutes(-1))));

        late.AssertProblem(HttpStatusCode.Unauthorized);
        recent.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1, harness.StoredHitCount(transactionId));
    }

    [Theory]
    [InlineData("t")]
    [InlineData("2026-11-26T05:31:00.000")]
    [InlineData("26/11/2026 05:31")]
    public async Task Receive_CorrectlySignedUnreadableTimestamp_Returns401AndStoresNothing(string timestamp)
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var logs = new FakeLogCollector();
        harness.Services.GetRequiredService<ILoggerFactory>().AddProvider(new FakeLoggerProvider(logs));
        var (transactionId, notes) = await CreateAsync(harness);

        var response = await harness.PostWebhookAsync(SignedWebhook.Text(harness.Simulator.Clock, transactionId, notes, SignedWebhook.NewAuthId(), timestamp: timestamp));

        response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(0, harness.StoredHitCount(transactionId));
        Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 5003);
    }

    private static async Task<(string TransactionId, string NotesRef)> CreateAsync(AppHarness harness)
    {
        var created = await harness.CreateTransactionAsync("alice", OneStock);
        return (created.TransactionId, harness.Simulator.Simulation.GetTruth(created.TransactionId)!.Notes!);
    }
}
