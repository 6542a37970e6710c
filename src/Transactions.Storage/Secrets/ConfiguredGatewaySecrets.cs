using System.Diagnostics.CodeAnalysis;
using Gateway.Client.Auth;
using Microsoft.Extensions.Configuration;

namespace Transactions.Storage;

/// <summary>
/// Gateway secrets from configuration (<c>Gateway:Secret</c>, <c>Gateway:ApiSecret</c>, optional
/// <c>Gateway:PreviousApiSecret</c>), for local runs and the simulator. Read on every call, so reloadable settings apply.
/// </summary>
public sealed class ConfiguredGatewaySecrets(IConfiguration configuration) : IGatewaySecretSource
{
    public const string SecretKey = "Gateway:Secret";
    public const string ApiSecretKey = "Gateway:ApiSecret";
    public const string PreviousApiSecretKey = "Gateway:PreviousApiSecret";

    public static bool TryRead(IConfiguration configuration, [NotNullWhen(true)] out GatewaySecrets? secrets)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var secret = configuration[SecretKey];
        var apiSecret = configuration[ApiSecretKey];
        var previous = configuration[PreviousApiSecretKey];
        secrets = string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(apiSecret)
            ? null
            : new GatewaySecrets(secret, apiSecret, string.IsNullOrEmpty(previous) ? null : previous);
        return secrets is not null;
    }

    public ValueTask<GatewaySecrets> GetAsync(CancellationToken cancellationToken) =>
        TryRead(configuration, out var secrets)
            ? ValueTask.FromResult(secrets)
            : throw new GatewaySecretsUnavailableException($"{SecretKey} and {ApiSecretKey} must both be set.");
}
