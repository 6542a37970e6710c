using System.Globalization;

namespace FunctionApp.Hosting;

/// <summary>
/// How long an HTTP function may take before it gives up and answers 503 with Retry-After: <c>Requests__Deadline</c>
/// for the app-facing API, <c>Requests__WebhookDeadline</c> for the Gateway's webhooks (shorter: the Gateway retries,
/// and an acknowledgement is one storage write).
/// </summary>
public sealed record RequestDeadlines(TimeSpan Api, TimeSpan Webhook)
{
    public const string Section = "Requests";

    public static readonly TimeSpan DefaultApi = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultWebhook = TimeSpan.FromSeconds(5);

    /// <exception cref="InvalidOperationException">A deadline is not a positive time span.</exception>
    public static RequestDeadlines FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new RequestDeadlines(
            Read(configuration, "Deadline", DefaultApi),
            Read(configuration, "WebhookDeadline", DefaultWebhook));
    }

    private static TimeSpan Read(IConfiguration configuration, string key, TimeSpan defaultValue)
    {
        var text = configuration[$"{Section}:{key}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero && value <= TimeSpan.FromHours(1)
            ? value
            : throw new InvalidOperationException($"{Section}__{key} must be a time span (hh:mm:ss) greater than zero and at most an hour.");
    }
}
