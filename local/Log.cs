namespace LocalHost;

/// <summary>The local host's log messages; event ids 6000–6999 are stable.</summary>
internal static partial class Log
{
    public const int FirstEventId = 6000;
    public const int LastEventId = 6999;

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Try-it page enabled at {Path}: development only, it signs in any demo user")]
    public static partial void TryItEnabled(ILogger logger, string path);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Error, Message = "Timer function {FunctionName} failed; it runs again on schedule")]
    public static partial void TimerFunctionFailed(ILogger logger, string functionName, Exception exception);
}
