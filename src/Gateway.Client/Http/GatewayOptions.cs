using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Client.Http;

/// <summary>Where the Gateway is and how patiently to call it. Validated when the host starts.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>The API host, e.g. <c>https://gatewayapi.smallcase.com</c> (staging: <c>https://gatewayapi.stag.smallcase.com</c>).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The partner id smallcase issued: the <c>{gw}</c> segment of every path. Setting: <c>Gateway:Name</c>.</summary>
    [ConfigurationKeyName("Name")]
    public string GatewayName { get; set; } = string.Empty;

    /// <summary>Time allowed for one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for a whole call, retries and back-off included.</summary>
    public TimeSpan OverallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Retries after the first attempt of a read (GET) that failed transiently. The same bound applies to a create
    /// whose connection failed before the request was sent; 0 turns retries off.
    /// </summary>
    public int MaxGetRetries { get; set; } = 3;

    /// <summary>First back-off delay, doubled per retry, with jitter. Tests set it near zero.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Rejects settings the client could not work with, so a bad deployment fails at start, not on the first order.</summary>
public sealed partial class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public const int MaxRetries = 10;

    /// <summary>The resilience timeouts accept 10 ms to 1 day.</summary>
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex GatewayNamePattern();

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.BaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{nameof(GatewayOptions.BaseUrl)} must be an absolute http or https URL.");
        }
        else if (url.Query.Length > 0 || url.Fragment.Length > 0 || url.UserInfo.Length > 0)
        {
            failures.Add($"{nameof(GatewayOptions.BaseUrl)} must not carry a query, a fragment or credentials.");
        }

        if (options.GatewayName is null || !GatewayNamePattern().IsMatch(options.GatewayName))
        {
            failures.Add($"{nameof(GatewayOptions.GatewayName)} must be 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'.");
        }

        CheckTimeout(nameof(GatewayOptions.AttemptTimeout), options.AttemptTimeout, failures);
        CheckTimeout(nameof(GatewayOptions.OverallTimeout), options.OverallTimeout, failures);
        if (options.OverallTimeout < options.AttemptTimeout)
        {
            failures.Add($"{nameof(GatewayOptions.OverallTimeout)} must be at least {nameof(GatewayOptions.AttemptTimeout)}.");
        }

        if (options.MaxGetRetries is < 0 or > MaxRetries)
        {
            failures.Add($"{nameof(GatewayOptions.MaxGetRetries)} must be between 0 and {MaxRetries}.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.RetryBaseDelay > MaxTimeout)
        {
            failures.Add($"{nameof(GatewayOptions.RetryBaseDelay)} must be between zero and one day.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckTimeout(string name, TimeSpan value, List<string> failures)
    {
        if (value < MinTimeout || value > MaxTimeout)
        {
            failures.Add($"{name} must be between 10 milliseconds and one day.");
        }
    }
}
