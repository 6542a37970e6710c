using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Gateway.Client.Auth;
using Microsoft.Extensions.Logging;

namespace Transactions.Storage;

/// <summary>
/// Gateway secrets from Key Vault (<c>gateway-secret</c>, <c>gateway-api-secret</c>, optional
/// <c>gateway-api-secret-previous</c>), cached for <see cref="RefreshInterval"/>. When a refresh fails the last
/// values keep being served (a warning is logged, never a value) and the refresh is retried after
/// <see cref="RetryAfterFailure"/>; before the first successful load, every call fails with
/// <see cref="GatewaySecretsUnavailableException"/>. One refresh runs at a time; callers holding a cached copy
/// don't wait for it.
/// </summary>
public sealed class KeyVaultGatewaySecrets(SecretClient client, TimeProvider time, ILogger<KeyVaultGatewaySecrets> logger)
    : IGatewaySecretSource
{
    public const string SecretName = "gateway-secret";
    public const string ApiSecretName = "gateway-api-secret";
    public const string PreviousApiSecretName = "gateway-api-secret-previous";

    private readonly Lock _lock = new();
    private volatile Snapshot? _snapshot;
    private Task<Snapshot>? _refresh;

    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan RetryAfterFailure { get; init; } = TimeSpan.FromSeconds(30);

    public async ValueTask<GatewaySecrets> GetAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && time.GetUtcNow() < snapshot.RefreshDueAt)
        {
            return snapshot.Secrets;
        }

        Task<Snapshot> refresh;
        lock (_lock)
        {
            snapshot = _snapshot;
            if (snapshot is not null && time.GetUtcNow() < snapshot.RefreshDueAt)
            {
                return snapshot.Secrets;
            }

            if (_refresh is null || _refresh.IsCompleted)
            {
                // Shared by all callers, so not cancelled by any one of them; the SDK's retry policy bounds it.
                _refresh = RefreshAsync(snapshot);
            }

            refresh = _refresh;
        }

        if (snapshot is not null && !refresh.IsCompleted)
        {
            return snapshot.Secrets;
        }

        return (await refresh.WaitAsync(cancellationToken).ConfigureAwait(false)).Secrets;
    }

    private async Task<Snapshot> RefreshAsync(Snapshot? previous)
    {
        try
        {
            var secret = await ReadAsync(SecretName, required: true).ConfigureAwait(false);
            var apiSecret = await ReadAsync(ApiSecretName, required: true).ConfigureAwait(false);
            var previousApiSecret = await ReadAsync(PreviousApiSecretName, required: false).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var loaded = new Snapshot(new GatewaySecrets(secret!, apiSecret!, previousApiSecret), now, now + RefreshInterval);
            _snapshot = loaded;
            StorageLog.GatewaySecretsLoaded(logger, client.VaultUri, previousApiSecret is not null);
            return loaded;
        }
        catch (Exception e) when (e is RequestFailedException or AuthenticationFailedException
                                      or GatewaySecretsUnavailableException or OperationCanceledException)
        {
            // No cancellation token is passed to the SDK, so an OperationCanceledException is a network timeout.
            if (previous is null)
            {
                throw new GatewaySecretsUnavailableException(
                    $"Could not load the Gateway secrets from Key Vault {client.VaultUri}: {e.GetType().Name}.", e);
            }

            StorageLog.GatewaySecretsRefreshFailed(logger, client.VaultUri, previous.LoadedAt, RetryAfterFailure, e);
            var kept = previous with { RefreshDueAt = time.GetUtcNow() + RetryAfterFailure };
            _snapshot = kept;
            return kept;
        }
    }

    private async Task<string?> ReadAsync(string name, bool required)
    {
        KeyVaultSecret secret;
        try
        {
            secret = (await client.GetSecretAsync(name, version: null, CancellationToken.None).ConfigureAwait(false)).Value;
        }
        // A rotation ends by disabling the previous secret, which Key Vault answers with 403 SecretDisabled.
        catch (RequestFailedException e) when (!required && (e.Status == 404 || (e.Status == 403 && e.ErrorCode == "SecretDisabled")))
        {
            return null;
        }

        if (string.IsNullOrEmpty(secret.Value))
        {
            if (!required)
            {
                return null;
            }

            throw new GatewaySecretsUnavailableException($"Key Vault secret '{name}' is empty.");
        }

        return secret.Value;
    }

    private sealed record Snapshot(GatewaySecrets Secrets, DateTimeOffset LoadedAt, DateTimeOffset RefreshDueAt);
}
