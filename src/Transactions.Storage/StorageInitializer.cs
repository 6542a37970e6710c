using Microsoft.Extensions.Logging;

namespace Transactions.Storage;

/// <summary>Creates every table and queue the app uses if missing. Idempotent; call once at start-up.</summary>
public sealed class StorageInitializer(StorageClients clients, ILogger<StorageInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        foreach (var table in TableNames.All)
        {
            await clients.Table(table).CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var queue in QueueNames.All)
        {
            await clients.Queue(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        StorageLog.StorageInitialized(logger, TableNames.All.Count, QueueNames.All.Count, clients.NamePrefix);
    }
}
