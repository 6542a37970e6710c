using Microsoft.Extensions.Logging;

namespace Transactions.Storage;

/// <summary>Creates every table and queue the app uses if missing. Idempotent; call once at start-up.</summary>
public sealed class StorageInitializer(StorageClients clients, ILogger<StorageInitializer> logger)
{
    /// <remarks>The creates are independent and run together: this is on the app's start-up path (cold start).</remarks>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(
            TableNames.All.Select(table => (Task)clients.Table(table).CreateIfNotExistsAsync(cancellationToken))
                .Concat(QueueNames.All.Select(queue => (Task)clients.Queue(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken))))
            .ConfigureAwait(false);

        StorageLog.StorageInitialized(logger, TableNames.All.Count, QueueNames.All.Count, clients.NamePrefix);
    }
}
