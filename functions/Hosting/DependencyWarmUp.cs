using Gateway.Client.Auth;
using Transactions.Storage;

namespace FunctionApp.Hosting;

/// <summary>
/// When the start does not create the storage (<see cref="StorageOptions.CreateMissingResources"/> false, as deployed),
/// begins the first use of storage and of the Gateway secrets in the background, without holding up the start. That
/// first use (building the Azure SDK pipelines, signing or getting a token, connecting, reading Key Vault) is the
/// longest part of a cold start, and the first request needs it (the health check, a webhook): begun here, it runs
/// alongside the web server's start instead of inside that request. A failure is only logged: the request that needs
/// the dependency meets and reports it itself. When the start creates the storage, that already was its first use.
/// </summary>
internal sealed partial class DependencyWarmUp(StorageOptions options, IServiceProvider services, ILogger<DependencyWarmUp> logger)
    : IHostedService, IDisposable
{
    /// <summary>No transaction has this id: the read finds nothing and writes nothing.</summary>
    private const string ProbeTransactionId = "TRX_warmup";

    private readonly CancellationTokenSource stopping = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.CreateMissingResources)
        {
            return Task.CompletedTask;
        }

        _ = Task.Run(
            () => Task.WhenAll(
                WarmUpAsync("storage", async ct => await services.GetRequiredService<TransactionStore>().GetAsync(ProbeTransactionId, ct)),
                WarmUpAsync("secrets", async ct => await services.GetRequiredService<IGatewaySecretSource>().GetAsync(ct))),
            CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => stopping.CancelAsync();

    public void Dispose() => stopping.Dispose();

    private async Task WarmUpAsync(string dependency, Func<CancellationToken, Task> firstUse)
    {
        try
        {
            await firstUse(stopping.Token);
        }
#pragma warning disable CA1031 // Only a head start: the first request that needs the dependency reports any failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.WarmUpFailed(logger, dependency, ex);
        }
    }
}
