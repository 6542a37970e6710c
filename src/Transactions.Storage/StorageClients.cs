using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Transactions.Storage;

/// <summary>The table and queue service clients, and the one place where the name prefix is applied.</summary>
public sealed class StorageClients
{
    private readonly TableServiceClient _tables;
    private readonly QueueServiceClient _queues;

    public StorageClients(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        NamePrefix = options.NamePrefix;

        var tableOptions = new TableClientOptions();
        options.Retry.ApplyTo(tableOptions.Retry);

        // The Functions host's queue trigger expects base64 message text by default.
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.Retry.ApplyTo(queueOptions.Retry);

        foreach (var policy in options.AdditionalPolicies)
        {
            tableOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
            queueOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            _tables = new TableServiceClient(options.ConnectionString, tableOptions);
            _queues = new QueueServiceClient(options.ConnectionString, queueOptions);
        }
        else
        {
            _tables = new TableServiceClient(options.TableServiceUri, options.Credential, tableOptions);
            _queues = new QueueServiceClient(options.QueueServiceUri, options.Credential, queueOptions);
        }
    }

    public string NamePrefix { get; }

    /// <summary>The client for table <paramref name="name"/> (one of <see cref="TableNames"/>), prefixed.</summary>
    public TableClient Table(string name) => _tables.GetTableClient(NamePrefix + name);

    /// <summary>The client for queue <paramref name="name"/> (one of <see cref="QueueNames"/>), prefixed, base64 messages.</summary>
    public QueueClient Queue(string name) => _queues.GetQueueClient(NamePrefix + name);
}
