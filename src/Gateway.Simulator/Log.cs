using Gateway.Simulator.Scenarios;
using Microsoft.Extensions.Logging;

namespace Gateway.Simulator;

/// <summary>The simulator's log events (event ids 1–999). Never log secrets, tokens, checksums or webhook bodies.</summary>
internal static partial class Log
{
    public const int FirstEventId = 1;
    public const int LastEventId = 999;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "The simulator uses the local-only default secrets: fine on a developer machine, never anywhere else")]
    public static partial void LocalOnlySecrets(ILogger logger);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Transaction {TransactionId} created with {SecurityCount} securities")]
    public static partial void TransactionCreated(ILogger logger, string transactionId, int securityCount);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Transaction {TransactionId} is now {Status}")]
    public static partial void StatusChanged(ILogger logger, string transactionId, string status);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Transaction {TransactionId} ended with SDK error {ErrorCode}")]
    public static partial void FlowEnded(ILogger logger, string transactionId, string? errorCode);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information,
        Message = "Webhook {Kind} for {TransactionId} copy {Copy} attempt {Attempt}: status {StatusCode} {Error}")]
    public static partial void WebhookAttempted(ILogger logger, WebhookKind kind, string transactionId, int copy, int attempt, int? statusCode, string? error);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Injected {Kind} fault on the {Api} API")]
    public static partial void FaultInjected(ILogger logger, ApiFaultKind kind, string api);

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Simulated clock is now {Now} (frozen: {Frozen})")]
    public static partial void ClockChanged(ILogger logger, DateTimeOffset now, bool frozen);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Simulator state reset")]
    public static partial void Reset(ILogger logger);
}
