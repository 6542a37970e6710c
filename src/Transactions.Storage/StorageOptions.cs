using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Configuration;

namespace Transactions.Storage;

/// <summary>
/// Where the app's tables and queues live: a connection string (Azurite, local runs), or identity-based service
/// URIs with a <see cref="TokenCredential"/> (Azure, managed identity).
/// </summary>
public sealed class StorageOptions
{
    /// <summary>The Functions host's storage setting; its value is a connection string, its children the identity form.</summary>
    public const string ConfigurationSection = "AzureWebJobsStorage";

    /// <summary>Optional setting with a prefix for every table and queue name (see <see cref="NamePrefix"/>).</summary>
    public const string NamePrefixKey = "Storage:NamePrefix";

    /// <summary>Optional setting, default true (see <see cref="CreateMissingResources"/>).</summary>
    public const string CreateMissingResourcesKey = "Storage:CreateMissingResources";

    public string? ConnectionString { get; set; }

    public Uri? TableServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    /// <summary>Used with the service URIs; ignored with a connection string.</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>
    /// Prepended to every table and queue name so that several apps or test classes can share one account.
    /// Empty in production. Lower-case letters and digits, starting with a letter (valid in both table and queue
    /// names), at most 20 characters.
    /// </summary>
    public string NamePrefix { get; set; } = string.Empty;

    /// <summary>
    /// Whether the app creates its missing tables and queues when it starts (<see cref="StorageInitializer"/>): true
    /// for local runs and tests on a fresh Azurite; false where the infrastructure creates them (infra/main.bicep),
    /// which saves the create requests and the storage clients' construction on every cold start.
    /// </summary>
    public bool CreateMissingResources { get; set; } = true;

    public StorageRetryOptions Retry { get; set; } = new();

    /// <summary>
    /// Extra Azure.Core policies run on every attempt of every table and queue request (e.g. request counting in the
    /// benchmark). Read once, when <see cref="StorageClients"/> is created: add them before the first storage call.
    /// </summary>
    public IList<HttpPipelinePolicy> AdditionalPolicies { get; } = new List<HttpPipelinePolicy>();

    /// <summary>
    /// Reads the Functions host conventions: <c>AzureWebJobsStorage</c> as a connection string, or
    /// <c>AzureWebJobsStorage__tableServiceUri</c> / <c>__queueServiceUri</c> (or <c>__accountName</c>, from which
    /// both are derived) with an optional <c>__clientId</c> for a user-assigned managed identity.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither form is configured.</exception>
    public static StorageOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ConfigurationSection);
        var options = new StorageOptions
        {
            NamePrefix = configuration[NamePrefixKey] ?? string.Empty,
            CreateMissingResources = ReadBoolean(configuration, CreateMissingResourcesKey, defaultValue: true),
        };
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            options.ConnectionString = section.Value;
            return options;
        }

        var accountName = section["accountName"];
        options.TableServiceUri = ReadUri(section, "tableServiceUri") ?? ServiceUri(accountName, "table");
        options.QueueServiceUri = ReadUri(section, "queueServiceUri") ?? ServiceUri(accountName, "queue");
        if (options.TableServiceUri is null || options.QueueServiceUri is null)
        {
            throw new InvalidOperationException(
                "Storage is not configured: set AzureWebJobsStorage to a connection string, or " +
                "AzureWebJobsStorage__tableServiceUri and AzureWebJobsStorage__queueServiceUri " +
                "(or AzureWebJobsStorage__accountName) for identity-based access.");
        }

        options.Credential = AzureCredentials.Create(section["clientId"]);
        return options;
    }

    /// <exception cref="InvalidOperationException">The options are incomplete or the prefix is not a valid name part.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) &&
            (TableServiceUri is null || QueueServiceUri is null || Credential is null))
        {
            throw new InvalidOperationException(
                "StorageOptions needs a ConnectionString, or TableServiceUri, QueueServiceUri and Credential.");
        }

        if (NamePrefix.Length > 20 || (NamePrefix.Length > 0 &&
            !(char.IsAsciiLetterLower(NamePrefix[0]) && NamePrefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))))
        {
            throw new InvalidOperationException(
                $"Storage name prefix '{NamePrefix}' must be at most 20 lower-case letters and digits, starting with a letter.");
        }

        Retry.Validate();
    }

    private static bool ReadBoolean(IConfiguration configuration, string key, bool defaultValue)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return bool.TryParse(text, out var value) ? value : throw new InvalidOperationException($"{key} must be true or false.");
    }

    private static Uri? ReadUri(IConfigurationSection section, string key)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException($"{ConfigurationSection}__{key} is not an absolute URI.");
    }

    private static Uri? ServiceUri(string? accountName, string service) =>
        string.IsNullOrWhiteSpace(accountName) ? null : new Uri($"https://{accountName}.{service}.core.windows.net");
}

/// <summary>Retry policy of the storage clients (Azure.Core exponential retries).</summary>
public sealed record StorageRetryOptions
{
    public int MaxRetries { get; init; } = 3;

    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(0.8);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one attempt.</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (MaxRetries < 0 || Delay < TimeSpan.Zero || MaxDelay < Delay || NetworkTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                "Storage retry options need MaxRetries >= 0, 0 <= Delay <= MaxDelay and a positive NetworkTimeout.");
        }
    }

    internal void ApplyTo(Azure.Core.RetryOptions retry)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = MaxRetries;
        retry.Delay = Delay;
        retry.MaxDelay = MaxDelay;
        retry.NetworkTimeout = NetworkTimeout;
    }
}
