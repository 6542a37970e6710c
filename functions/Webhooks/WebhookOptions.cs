using Gateway.Client.Webhooks;

namespace FunctionApp.Webhooks;

/// <summary>The webhook receiver's settings (<c>Webhooks:*</c>; the route, <c>Webhooks:Route</c>, is read by the function catalog).</summary>
public sealed record WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// How far a webhook's timestamp may be from now, in either direction (default 73 h: the Gateway retries for up to
    /// 72 h 15 min with the first attempt's timestamp). A hit outside it is refused with 401 and nothing is stored.
    /// </summary>
    public TimeSpan TimestampTolerance { get; init; } = WebhookTimestamp.DefaultTolerance;

    public static WebhookOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var options = new WebhookOptions
        {
            TimestampTolerance = section.GetValue(nameof(TimestampTolerance), WebhookTimestamp.DefaultTolerance),
        };
        if (options.TimestampTolerance <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:{nameof(TimestampTolerance)} must be a positive TimeSpan, got {options.TimestampTolerance}.");
        }

        return options;
    }
}
