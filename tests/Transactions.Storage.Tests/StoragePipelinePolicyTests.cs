using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using TestSupport;

namespace Transactions.Storage.Tests;

/// <summary><see cref="StorageOptions.AdditionalPolicies"/> see every table and queue request the clients send.</summary>
public sealed class StoragePipelinePolicyTests(AzuriteFixture azurite) : StorageTest(azurite)
{
    [Fact]
    public async Task AdditionalPolicies_TableAndQueueRequests_EachSeenOnce()
    {
        var recorder = new RecordingPolicy();
        var options = Options(Azurite.ConnectionString, Clients.NamePrefix);
        options.AdditionalPolicies.Add(recorder);
        var clients = new StorageClients(options);

        await clients.Table(TableNames.WebhookInbox).AddEntityAsync(new TableEntity("p", "r"), Ct);
        await clients.Queue(QueueNames.TrackerEvents).SendMessageAsync("hello", Ct);

        Assert.Equal(
            [$"POST /devstoreaccount1/{Clients.NamePrefix}{TableNames.WebhookInbox} 204", $"POST /devstoreaccount1/{Clients.NamePrefix}{QueueNames.TrackerEvents}/messages 201"],
            recorder.Requests);
    }

    private sealed class RecordingPolicy : HttpPipelinePolicy
    {
        private readonly ConcurrentQueue<string> requests = new();

        public IReadOnlyList<string> Requests => [.. requests];

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            Record(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            Record(message);
        }

        private void Record(HttpMessage message) =>
            requests.Enqueue($"{message.Request.Method} {message.Request.Uri.ToUri().AbsolutePath} {message.Response.Status}");
    }
}
