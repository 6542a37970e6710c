using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using FunctionApp.Tests.Infrastructure;
using FunctionApp.Tests.Tracking;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Telemetry;

/// <summary>One trace per transaction: the create request's trace id survives the webhook, the SDK result, the tracker's reads and records, and reaches every outcome event.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TransactionTraceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task TraceIdOfTheCreateRequest_SurvivesEveryHopIntoTheOutcomeEvents()
    {
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness);
        var traceId = ActivityTraceId.CreateRandom();
        var traceParent = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01";

        var response = await harness.SendAsync(kit.UserId, HttpMethod.Post, "/api/transactions", AppRequests.Json($$"""{"securities":{{WebhookFaultTests.Basket}}}"""), request =>
        {
            request.Headers.Add("Idempotency-Key", "trace-1");
            request.Headers.Add("traceparent", traceParent);
        });
        var answer = response.AssertStatus(HttpStatusCode.Created).Json;
        var created = new CreatedTransactionJson(answer.Property("transactionId"), answer.Property("gatewayToken"), answer.GetProperty("expireAt").GetDateTimeOffset(), null, answer.GetProperty("sdk"));
        await kit.PostSdkResultAsync(created.TransactionId, await kit.ConfirmInSdkAsync(created));
        await kit.WaitUntilFinalAsync(created.TransactionId);
        await Eventually.Until(async () => (await kit.DrainOutcomesAsync()).Any(e => e.IsFinal), TrackingKit.Patience, "the outcome");

        var stored = await harness.Service<TransactionStore>().GetAsync(created.TransactionId, CancellationToken.None);
        Assert.Equal(traceId, ActivityContext.Parse(stored!.Record.TraceParent!, null).TraceId);
        var events = kit.Outcomes.Where(e => e.Subject == created.TransactionId).ToList();
        Assert.Contains(events, e => e.IsFinal);
        Assert.All(events, e => Assert.Equal(traceId, ActivityContext.Parse(e.TraceParent!, null).TraceId));
        var spans = stopped.Where(a => a.TraceId == traceId).Select(a => a.OperationName).ToHashSet();
        Assert.Superset(new HashSet<string> { "transaction.create", "gateway.webhook", "sdk.result", "tracker.read", "tracker.record" }, spans);
        // A webhook's span joins the transaction's trace and links to the webhook request that carried it.
        Assert.All(stopped.Where(a => a.OperationName == "gateway.webhook" && a.TraceId == traceId), a => Assert.NotEmpty(a.Links));
    }
}
