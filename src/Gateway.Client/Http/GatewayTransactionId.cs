using System.Text.RegularExpressions;

namespace Gateway.Client.Http;

/// <summary>
/// Transaction ids as the Gateway issues them: documented as <c>TRX_</c> + 32 lower-case hex digits; any
/// <c>TRX_</c> + letters and digits is accepted so a format change does not break tracking. Anything else (spaces,
/// '&amp;', '=', '%', ...) is refused before it can reach a URL.
/// </summary>
public static partial class GatewayTransactionId
{
    [GeneratedRegex(@"^TRX_[A-Za-z0-9]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? transactionId) => transactionId is not null && Pattern().IsMatch(transactionId);

    /// <exception cref="ArgumentException">The id is empty or not of the <c>TRX_</c> form.</exception>
    public static void ThrowIfInvalid(string? transactionId, string parameterName)
    {
        if (!IsValid(transactionId))
        {
            throw new ArgumentException("A transaction id is TRX_ followed by letters and digits.", parameterName);
        }
    }
}
