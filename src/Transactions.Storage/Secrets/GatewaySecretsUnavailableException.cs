namespace Transactions.Storage;

/// <summary>The Gateway secrets could not be loaded, and no earlier copy is available to fall back on.</summary>
public sealed class GatewaySecretsUnavailableException : InvalidOperationException
{
    public GatewaySecretsUnavailableException()
    {
    }

    public GatewaySecretsUnavailableException(string message)
        : base(message)
    {
    }

    public GatewaySecretsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
