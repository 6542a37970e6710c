namespace Gateway.Client.Auth;

/// <summary>
/// The two shared secrets smallcase issues: <see cref="Secret"/> signs auth tokens; <see cref="ApiSecret"/> is the
/// <c>x-gateway-secret</c> header and the webhook checksum key. <see cref="PreviousApiSecret"/> is set only during a
/// rotation, so webhooks signed with the old key are still accepted.
/// </summary>
public sealed record GatewaySecrets(string Secret, string ApiSecret, string? PreviousApiSecret = null)
{
    /// <summary>The keys a webhook checksum may have been made with, current first.</summary>
    public IEnumerable<string> WebhookKeys =>
        PreviousApiSecret is { Length: > 0 } previous ? [ApiSecret, previous] : [ApiSecret];

    public override string ToString() => "GatewaySecrets { *** }";
}

/// <summary>Where the current secrets come from (Key Vault in Azure, settings locally). Implementations cache.</summary>
public interface IGatewaySecretSource
{
    ValueTask<GatewaySecrets> GetAsync(CancellationToken cancellationToken);
}

public sealed class FixedGatewaySecrets(GatewaySecrets secrets) : IGatewaySecretSource
{
    public ValueTask<GatewaySecrets> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(secrets);
}
