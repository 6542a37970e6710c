using Azure.Security.KeyVault.Secrets;
using Gateway.Client.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Transactions.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="StorageClients"/>, every store, <see cref="StorageQueues"/> and
    /// <see cref="StorageInitializer"/> as singletons, configured from <c>AzureWebJobsStorage</c> (see
    /// <see cref="StorageOptions.FromConfiguration"/>), then <paramref name="configure"/>. Needs logging registered.
    /// </summary>
    /// <exception cref="InvalidOperationException">Storage is not configured (fails at start, not on first use).</exception>
    public static IServiceCollection AddTransactionStorage(
        this IServiceCollection services, IConfiguration configuration, Action<StorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = StorageOptions.FromConfiguration(configuration);
        configure?.Invoke(options);
        options.Validate();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<StorageClients>();
        services.AddSingleton<StorageInitializer>();
        services.AddSingleton<TransactionStore>();
        services.AddSingleton<NotesRefStore>();
        services.AddSingleton<UserLinkStore>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<OutcomeLogStore>();
        services.AddSingleton<StorageQueues>();
        return services;
    }

    /// <summary>
    /// Registers the <see cref="IGatewaySecretSource"/>: Key Vault when <c>KeyVault:Uri</c> is set (credential:
    /// DefaultAzureCredential with <c>KeyVault:ClientId</c>, else <c>AzureWebJobsStorage:clientId</c>, else
    /// AZURE_CLIENT_ID; cache refresh <c>KeyVault:RefreshInterval</c>, default 5 minutes), otherwise the
    /// <c>Gateway:Secret</c> / <c>Gateway:ApiSecret</c> settings.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither source is configured completely.</exception>
    public static IServiceCollection AddGatewaySecrets(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var vault = configuration["KeyVault:Uri"];
        if (!string.IsNullOrWhiteSpace(vault))
        {
            if (!Uri.TryCreate(vault, UriKind.Absolute, out var vaultUri))
            {
                throw new InvalidOperationException("KeyVault:Uri is not an absolute URI.");
            }

            var refreshInterval = ReadInterval(configuration, "KeyVault:RefreshInterval") ?? TimeSpan.FromMinutes(5);
            var clientId = configuration["KeyVault:ClientId"] ?? configuration[$"{StorageOptions.ConfigurationSection}:clientId"];
            services.TryAddSingleton(TimeProvider.System);
            services.AddSingleton<IGatewaySecretSource>(provider => new KeyVaultGatewaySecrets(
                new SecretClient(vaultUri, AzureCredentials.Create(clientId)),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<KeyVaultGatewaySecrets>>())
            {
                RefreshInterval = refreshInterval,
            });
            return services;
        }

        if (ConfiguredGatewaySecrets.TryRead(configuration, out _))
        {
            services.AddSingleton<IGatewaySecretSource>(new ConfiguredGatewaySecrets(configuration));
            return services;
        }

        throw new InvalidOperationException(
            "Gateway secrets are not configured: set KeyVault:Uri (Azure), or Gateway:Secret and Gateway:ApiSecret (local runs).");
    }

    private static TimeSpan? ReadInterval(IConfiguration configuration, string key)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero
            ? interval
            : throw new InvalidOperationException($"{key} must be a positive time span such as 00:05:00.");
    }
}
