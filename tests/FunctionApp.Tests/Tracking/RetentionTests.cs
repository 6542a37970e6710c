using System.Net;
using Azure.Data.Tables;
using FunctionApp.Tests.Infrastructure;
using FunctionApp.Tracking;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TestSupport;
using Transactions.Storage;

namespace FunctionApp.Tests.Tracking;

/// <summary>The nightly retention deletes exactly what belongs to transactions that finished before the kept days.</summary>
[Collection(SharedAzurite.Name)]
public sealed class RetentionTests(AzuriteFixture azurite)
{
    private const string OneStock = """[{"ticker":"ITC","quantity":5,"type":"BUY"}]""";

    [Fact]
    public async Task Retention_DeletesTransactionsFinishedOnOlderDays_AndKeepsEverythingElse()
    {
        await using var harness = await AppHarness.StartAsync(azurite);
        var kit = new TrackingKit(harness, "asha");
        var thursday = kit.Now;

        var old = await harness.CreateTransactionAsync("asha", OneStock, idempotencyKey: "key-old");
        await kit.ConfirmInSdkAsync(old);
        await kit.WaitUntilFinalAsync(old.TransactionId);
        var startedThursday = await harness.CreateTransactionAsync("asha", OneStock, idempotencyKey: "key-started");
        var oldRecord = (await harness.Service<TransactionStore>().GetAsync(old.TransactionId, CancellationToken.None))!.Record;

        await kit.AdvanceClockAsync(TimeSpan.FromDays(1));
        var recent = await harness.CreateTransactionAsync("asha", OneStock, idempotencyKey: "key-recent");
        await kit.ConfirmInSdkAsync(recent);
        await kit.WaitUntilFinalAsync(recent.TransactionId);
        await Eventually.Until(async () => (await kit.DrainOutcomesAsync()).Count(e => e.IsFinal) >= 2, TrackingKit.Patience, "both outcomes");

        // Ninety days after Friday's first hour: Thursday is past the kept days, Friday is not.
        var retention = ActivatorUtilities.CreateInstance<RetentionFunction>(harness.Services, (TimeProvider)new FakeTimeProvider(thursday.AddDays(91)));
        await retention.RunAsync(new TimerInfo(), CancellationToken.None);

        (await harness.GetAsync("asha", $"/api/transactions/{old.TransactionId}")).AssertProblem(HttpStatusCode.NotFound);
        Assert.Null(await harness.Service<NotesRefStore>().GetAsync(oldRecord.NotesRef, CancellationToken.None));
        Assert.False(await IdempotencyRecordExistsAsync(harness, "key-old"));
        var list = (await harness.GetAsync("asha", "/api/transactions")).AssertStatus(HttpStatusCode.OK).Json;
        var listed = list.GetProperty("items").EnumerateArray().Select(i => i.Property("transactionId")).ToList();
        Assert.DoesNotContain(old.TransactionId, listed);

        // Created on Thursday but not finished then: kept, like everything of Friday.
        foreach (var kept in new[] { startedThursday, recent })
        {
            (await harness.GetAsync("asha", $"/api/transactions/{kept.TransactionId}")).AssertStatus(HttpStatusCode.OK);
            Assert.Contains(kept.TransactionId, listed);
        }

        Assert.True(await IdempotencyRecordExistsAsync(harness, "key-recent"));
        Assert.True(await IdempotencyRecordExistsAsync(harness, "key-started"));
        var recentRecord = (await harness.Service<TransactionStore>().GetAsync(recent.TransactionId, CancellationToken.None))!.Record;
        Assert.NotNull(await harness.Service<NotesRefStore>().GetAsync(recentRecord.NotesRef, CancellationToken.None));

        // A second run finds nothing more to delete.
        await retention.RunAsync(new TimerInfo(), CancellationToken.None);
        (await harness.GetAsync("asha", $"/api/transactions/{recent.TransactionId}")).AssertStatus(HttpStatusCode.OK);
    }

    private static async Task<bool> IdempotencyRecordExistsAsync(AppHarness harness, string key)
    {
        var table = harness.Service<StorageClients>().Table(TableNames.IdempotencyRecords);
        return (await table.GetEntityIfExistsAsync<TableEntity>("asha", key)).HasValue;
    }
}
