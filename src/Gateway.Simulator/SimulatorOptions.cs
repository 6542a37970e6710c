using Microsoft.Extensions.Configuration;

namespace Gateway.Simulator;

/// <summary>
/// How the simulator behaves. Every default is either a documented Gateway fact or an explicit assumption
/// (see README.md, "Assumptions"). Bound from the <c>Simulator</c> configuration section when run as an app.
/// </summary>
public sealed record SimulatorOptions
{
    /// <summary>Local-only default for <see cref="Secret"/>. Never use it outside a developer machine or a test.</summary>
    public const string LocalOnlySecret = "local-only-simulator-secret";

    /// <summary>Local-only default for <see cref="ApiSecret"/>. Never use it outside a developer machine or a test.</summary>
    public const string LocalOnlyApiSecret = "local-only-simulator-api-secret";

    /// <summary>Brokers whose users may place limit orders (contract section 2).</summary>
    public static readonly IReadOnlyList<string> DocumentedLimitOrderBrokers = ["fivepaisa", "groww", "kite"];

    /// <summary>Real smallcase retries a failed webhook after 15 min, 24 h and 48 h [3p].</summary>
    public static readonly IReadOnlyList<TimeSpan> DocumentedWebhookRetrySchedule =
        [TimeSpan.FromMinutes(15), TimeSpan.FromHours(24), TimeSpan.FromHours(48)];

    /// <summary>The partner id in every Gateway path (<c>{gw}</c>).</summary>
    public string GatewayName { get; init; } = "demo-gateway";

    /// <summary>Signs and verifies the HS256 auth tokens.</summary>
    public string Secret { get; init; } = LocalOnlySecret;

    /// <summary>The <c>x-gateway-secret</c> header value and the webhook checksum key.</summary>
    public string ApiSecret { get; init; } = LocalOnlyApiSecret;

    /// <summary>Where webhooks go; none are sent while unset. Can be changed at runtime (<c>PUT /_sim/webhook</c>).</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>Time from creation to <c>expireAt</c>. The docs say 5 min in one place and 15 min in another.</summary>
    public TimeSpan TransactionLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Delay before each retry of a failed webhook delivery, counted from the failed attempt (simulated time).</summary>
    public IReadOnlyList<TimeSpan> WebhookRetrySchedule { get; init; } = DocumentedWebhookRetrySchedule;

    /// <summary>Real-time limit for one webhook POST; a slower receiver counts as a failed attempt.</summary>
    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The broker keys offered: the 17 documented ones (contract section 7); each is also accepted with a <c>-leprechaun</c> suffix.</summary>
    public IReadOnlyList<string> Brokers { get; init; } = Gateway.Client.Sdk.BrokerKeys.Documented;

    public IReadOnlyList<string> LimitOrderBrokers { get; init; } = DocumentedLimitOrderBrokers;

    /// <summary>Exchange holidays (IST dates): no session on these days.</summary>
    public IReadOnlyList<DateOnly> Holidays { get; init; } = [];

    /// <summary>Start the simulated clock at this instant; null starts it at the real time.</summary>
    public DateTimeOffset? ClockStart { get; init; }

    /// <summary>Start with the clock frozen (it moves only when told to).</summary>
    public bool FreezeClock { get; init; }

    /// <summary>Real-time interval of the background pump that runs due market work and webhooks; zero disables it.</summary>
    public TimeSpan PumpInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound (real time) for an injected API timeout or slow response.</summary>
    public TimeSpan MaxApiHang { get; init; } = TimeSpan.FromSeconds(30);

    public bool UsesLocalOnlySecrets =>
        string.Equals(Secret, LocalOnlySecret, StringComparison.Ordinal)
        || string.Equals(ApiSecret, LocalOnlyApiSecret, StringComparison.Ordinal);

    /// <summary>
    /// Reads the options from a configuration section. Lists are read whole, so a configured list replaces the
    /// default instead of being appended to it.
    /// </summary>
    public static SimulatorOptions FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var defaults = new SimulatorOptions();
        return new SimulatorOptions
        {
            GatewayName = section[nameof(GatewayName)] ?? defaults.GatewayName,
            Secret = section[nameof(Secret)] ?? defaults.Secret,
            ApiSecret = section[nameof(ApiSecret)] ?? defaults.ApiSecret,
            WebhookUrl = section.GetValue<Uri?>(nameof(WebhookUrl)),
            TransactionLifetime = section.GetValue(nameof(TransactionLifetime), defaults.TransactionLifetime),
            WebhookRetrySchedule = List(section, nameof(WebhookRetrySchedule), defaults.WebhookRetrySchedule),
            WebhookTimeout = section.GetValue(nameof(WebhookTimeout), defaults.WebhookTimeout),
            Brokers = List(section, nameof(Brokers), defaults.Brokers),
            LimitOrderBrokers = List(section, nameof(LimitOrderBrokers), defaults.LimitOrderBrokers),
            Holidays = List(section, nameof(Holidays), defaults.Holidays),
            ClockStart = section.GetValue<DateTimeOffset?>(nameof(ClockStart)),
            FreezeClock = section.GetValue(nameof(FreezeClock), defaults.FreezeClock),
            PumpInterval = section.GetValue(nameof(PumpInterval), defaults.PumpInterval),
            MaxApiHang = section.GetValue(nameof(MaxApiHang), defaults.MaxApiHang),
        };
    }

    /// <summary>Every problem with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(GatewayName))
        {
            problems.Add("GatewayName is required.");
        }

        if (string.IsNullOrEmpty(Secret) || string.IsNullOrEmpty(ApiSecret))
        {
            problems.Add("Secret and ApiSecret are required.");
        }

        if (TransactionLifetime <= TimeSpan.Zero)
        {
            problems.Add("TransactionLifetime must be positive.");
        }

        if (WebhookRetrySchedule.Any(delay => delay < TimeSpan.Zero))
        {
            problems.Add("WebhookRetrySchedule delays must not be negative.");
        }

        if (WebhookTimeout <= TimeSpan.Zero || PumpInterval < TimeSpan.Zero || MaxApiHang < TimeSpan.Zero)
        {
            problems.Add("WebhookTimeout must be positive; PumpInterval and MaxApiHang must not be negative.");
        }

        if (Brokers.Count == 0)
        {
            problems.Add("Brokers must list at least one broker.");
        }

        if (WebhookUrl is not null && !IsHttpUrl(WebhookUrl))
        {
            problems.Add("WebhookUrl must be an absolute http or https URL.");
        }

        return problems;
    }

    public static bool IsHttpUrl(Uri url) =>
        url is { IsAbsoluteUri: true } && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    private static IReadOnlyList<T> List<T>(IConfiguration section, string key, IReadOnlyList<T> fallback) =>
        section.GetSection(key).Get<T[]>() is { Length: > 0 } configured ? configured : fallback;
}
