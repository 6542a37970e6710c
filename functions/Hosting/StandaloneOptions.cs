namespace FunctionApp.Hosting;

/// <summary>
/// How the standalone runner imitates the Functions host's queue and timer triggers (see host.json for the host's own).
/// </summary>
public sealed class StandaloneOptions
{
    public const string Section = "Standalone";

    /// <summary>Failed attempts before a message moves to <c>&lt;queue&gt;-poison</c>; host.json's <c>maxDequeueCount</c>.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a failed message stays invisible before its retry; host.json's <c>visibilityTimeout</c>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a message being processed stays hidden from other listeners.</summary>
    public TimeSpan MessageLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Upper bound of the back-off between polls of an empty queue; host.json's <c>maxPollingInterval</c>.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    public int BatchSize { get; set; } = 16;
}
