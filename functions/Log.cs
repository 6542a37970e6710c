using FunctionApp.Auth;
using FunctionApp.Webhooks;
using Gateway.Client.Http;
using Gateway.Client.Webhooks;
using Transactions.Tracking;

namespace FunctionApp;

/// <summary>
/// The function app's log messages, in one place so that no event id is used twice. Event ids are stable: 10xx
/// hosting, 20xx user sign-in, 30xx creating transactions, 40xx tracking, 50xx webhooks. Never log secrets, tokens,
/// checksums or webhook bodies.
/// </summary>
internal static partial class Log
{
    public const int FirstEventId = 1000;
    public const int LastEventId = 5999;

    [LoggerMessage(EventId = 1020, Level = LogLevel.Error, Message = "Request to {FunctionName} failed: dependency unavailable ({ExceptionType})")]
    public static partial void DependencyUnavailable(ILogger logger, string functionName, string exceptionType);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Request to {FunctionName} passed its deadline of {Deadline}; answering 503")]
    public static partial void DeadlineExceeded(ILogger logger, string functionName, TimeSpan deadline);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Information, Message = "Warm-up of {Dependency} at start failed; the first request that needs it tries again.")]
    public static partial void WarmUpFailed(ILogger logger, string dependency, Exception exception);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "User credential refused by {Scheme}: {Reason} ({Failure})")]
    public static partial void UserCredentialRejected(ILogger logger, string scheme, UserTokenFailure reason, string failure);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Created transaction {TransactionId} with {SecurityCount} securities")]
    public static partial void TransactionCreated(ILogger logger, string transactionId, int securityCount);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Gateway create failed ({Kind}, HTTP {StatusCode}); the app may retry")]
    public static partial void GatewayCreateFailed(ILogger logger, GatewayFailureKind kind, int? statusCode);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "The notes reference sent with transaction {TransactionId} is already taken; the transaction is dropped (is the random source broken?)")]
    public static partial void NotesRefTaken(ILogger logger, string transactionId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Could not write the user index row of new transaction {TransactionId} (HTTP {StatusCode}); it catches up at the next status change")]
    public static partial void IndexRepairFailed(ILogger logger, string transactionId, int statusCode);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Tracked change of unknown transaction {TransactionId} dropped")]
    public static partial void ChangeOfUnknownTransaction(ILogger logger, string transactionId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Tracker event {Trigger} for {TransactionId} ignored: {Reason}")]
    public static partial void TrackerEventIgnored(ILogger logger, string transactionId, TrackerTrigger trigger, TrackerIgnoreReason reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Order snapshot for {TransactionId} contradicted final data of {Ticker}: kept {Kept}, ignored {Ignored}")]
    public static partial void OrderSnapshotConflict(ILogger logger, string transactionId, string ticker, string kept, string ignored);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Gateway read {Target} for {TransactionId} failed ({Kind}, HTTP {StatusCode}); backing off")]
    public static partial void GatewayReadFailed(ILogger logger, string transactionId, PollTarget target, GatewayFailureKind kind, int? statusCode);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Gateway read {Target} for {TransactionId} did not run: {Reason}; backing off")]
    public static partial void GatewayReadDidNotRun(ILogger logger, string transactionId, PollTarget target, string reason);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Published events of {TransactionId} were no longer in its outbox when marked")]
    public static partial void MarkFoundNoEvent(ILogger logger, string transactionId);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "{Trigger} for {TransactionId} named a smallcaseAuthId other than the one the Gateway confirmed; used only as a prompt to read the Gateway")]
    public static partial void ForeignSmallcaseAuthId(ILogger logger, string transactionId, TrackerTrigger trigger);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Purged the history of {Purged} finished trackings older than {PurgeAfter} (complete: {Complete})")]
    public static partial void TrackingPurged(ILogger logger, int purged, TimeSpan purgeAfter, bool complete);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "{Count} trackings are still running more than {StuckAfter} after they started, e.g. {TransactionIds}")]
    public static partial void TrackingStuck(ILogger logger, int count, TimeSpan stuckAfter, string transactionIds);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Sent the unsent outcome events of {Republished} transactions")]
    public static partial void OutcomesRepublished(ILogger logger, int republished);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Error, Message = "Sending the outcome events of {TransactionId} failed and it could not be flagged for the outbox sweep ({Error}); the record activity's retry flags it again")]
    public static partial void UnsentFlagFailed(ILogger logger, string transactionId, string error);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Information, Message = "Deleted {Transactions} transactions finished more than {KeepFor} ago and {LogRows} outcome log rows")]
    public static partial void RetentionApplied(ILogger logger, int transactions, int logRows, TimeSpan keepFor);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Webhook rejected: {Rejection} (checksum: {ChecksumFailure})")]
    public static partial void WebhookRejected(ILogger logger, WebhookRejection rejection, ChecksumFailure checksumFailure);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Webhook rejected: timestamp outside the accepted window ({Window}: timestamp {Timestamp}, now {Now}, tolerance {Tolerance})")]
    public static partial void WebhookTimestampOutsideWindow(ILogger logger, WebhookTimestampCheck window, DateTimeOffset timestamp, DateTimeOffset now, TimeSpan tolerance);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Webhook rejected: its signed timestamp ({Length} characters) is neither an ISO-8601 instant nor epoch milliseconds")]
    public static partial void WebhookTimestampUnreadable(ILogger logger, int length);
}
