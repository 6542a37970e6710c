using Transactions.Storage;

namespace FunctionApp.Hosting;

/// <summary>
/// Creates the app's missing tables and queues before anything listens (idempotent), unless the infrastructure creates
/// them (<see cref="StorageOptions.CreateMissingResources"/> false): then the start does not wait for storage at all.
/// </summary>
internal sealed class StorageStartup(StorageOptions options, IServiceProvider services) : IHostedService
{
    // The initializer (and with it the storage clients) is resolved only when it is used.
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.CreateMissingResources
            ? services.GetRequiredService<StorageInitializer>().InitializeAsync(cancellationToken)
            : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
