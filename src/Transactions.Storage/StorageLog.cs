using Microsoft.Extensions.Logging;

namespace Transactions.Storage;

/// <summary>Source-generated log messages of the storage layer; event ids 8000–8999 are stable.</summary>
internal static partial class StorageLog
{
    public const int FirstEventId = 8000;
    public const int LastEventId = 8999;

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Storage ready: {TableCount} tables and {QueueCount} queues (prefix '{NamePrefix}')")]
    public static partial void StorageInitialized(ILogger logger, int tableCount, int queueCount, string namePrefix);

    [LoggerMessage(EventId = 8110, Level = LogLevel.Warning, Message = "User index row of transaction {TransactionId} not updated; it is repaired by the next write or SyncIndexAsync")]
    public static partial void UserIndexSyncFailed(ILogger logger, string transactionId, Exception exception);

    [LoggerMessage(EventId = 8111, Level = LogLevel.Debug, Message = "User index row of transaction {TransactionId} left as is after {Attempts} contended attempts; a newer write owns it")]
    public static partial void UserIndexSyncContended(ILogger logger, string transactionId, int attempts);

    [LoggerMessage(EventId = 8120, Level = LogLevel.Warning, Message = "Previous smallcaseAuthId claim of a relinked user not released; it stays reserved to that user")]
    public static partial void LinkClaimNotReleased(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8130, Level = LogLevel.Information, Message = "Gateway secrets loaded from Key Vault {VaultUri} (previous API secret present: {HasPrevious})")]
    public static partial void GatewaySecretsLoaded(ILogger logger, Uri vaultUri, bool hasPrevious);

    [LoggerMessage(EventId = 8131, Level = LogLevel.Warning, Message = "Refreshing Gateway secrets from Key Vault {VaultUri} failed; serving the values loaded at {LoadedAt:o} and retrying in {RetryIn}")]
    public static partial void GatewaySecretsRefreshFailed(ILogger logger, Uri vaultUri, DateTimeOffset loadedAt, TimeSpan retryIn, Exception exception);
}
