using Microsoft.Extensions.Options;

namespace Gateway.Client.Sdk;

/// <summary>The broker keys the Gateway documents (contract section 7).</summary>
public static class BrokerKeys
{
    public static readonly IReadOnlyList<string> Documented =
    [
        "aliceblue", "angelbroking", "axis", "dhan", "edelweiss", "fisdom", "fivepaisa", "fundzbazar", "groww",
        "hdfc", "icici", "iifl", "kite", "kotak", "motilal", "trustline", "upstox",
    ];

    /// <summary>In the SDK's test mode each key carries this suffix, e.g. <c>kite-leprechaun</c>.</summary>
    public const string TestModeSuffix = "-leprechaun";
}

/// <summary>The environments the Gateway SDKs are initialised with.</summary>
public enum SdkEnvironment
{
    Production,
    Staging,
    Development,
}

/// <summary>
/// What the platform's app initialises the Gateway SDK with besides the auth token, served by the app's API so that
/// the app hard-codes none of it. Settings: <c>Sdk:*</c>.
/// </summary>
public sealed class SdkOptions
{
    public const string SectionName = "Sdk";

    public SdkEnvironment Environment { get; set; } = SdkEnvironment.Production;

    /// <summary>The SDK's test mode (<c>isLeprechaun</c>): orders are simulated by the Gateway, broker keys carry <see cref="BrokerKeys.TestModeSuffix"/>.</summary>
    public bool TestMode { get; set; }

    /// <summary>The brokers the platform offers its users (documented broker keys, as the SDK's broker subset); empty offers every broker.</summary>
    public IList<string> Brokers { get; } = [];

    /// <summary>Whether users may place after-market orders outside market hours.</summary>
    public bool AllowAmo { get; set; } = true;
}

/// <summary>Rejects settings the SDK could not be initialised with, so a bad deployment fails at start.</summary>
public sealed class SdkOptionsValidator : IValidateOptions<SdkOptions>
{
    public ValidateOptionsResult Validate(string? name, SdkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Environment))
        {
            failures.Add($"{nameof(SdkOptions.Environment)} must be one of {string.Join(", ", Enum.GetNames<SdkEnvironment>())}.");
        }

        foreach (var broker in options.Brokers.Where(b => !BrokerKeys.Documented.Contains(b, StringComparer.Ordinal)))
        {
            failures.Add($"{nameof(SdkOptions.Brokers)}: '{broker}' is not a documented broker key ({string.Join(", ", BrokerKeys.Documented)}).");
        }

        foreach (var duplicate in options.Brokers.GroupBy(b => b, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            failures.Add($"{nameof(SdkOptions.Brokers)}: '{duplicate.Key}' is listed more than once.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
