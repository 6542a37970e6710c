using Azure.Core;
using Azure.Identity;

namespace Transactions.Storage;

internal static class AzureCredentials
{
    /// <summary>
    /// DefaultAzureCredential: managed identity in Azure (the user-assigned one when <paramref name="clientId"/> is
    /// set, else AZURE_CLIENT_ID or the system-assigned one), developer credentials locally.
    /// </summary>
    public static TokenCredential Create(string? clientId) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId,
        });
}
