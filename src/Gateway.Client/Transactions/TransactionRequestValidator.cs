using System.Text.RegularExpressions;
using Gateway.Client.Json;
using Gateway.Client.Orders;

namespace Gateway.Client.Transactions;

/// <summary>One problem with a request, addressed by a JSON-style path such as <c>securities[1].quantity</c>.</summary>
public sealed record ValidationError(string Field, string Message);

/// <summary>
/// Checks a transaction request before anything is sent, reporting every problem at once.
/// </summary>
public static partial class TransactionRequestValidator
{
    public const int MaxNotesLength = 256;

    /// <summary>The Gateway documents no basket limit; this keeps a request and its tracking bounded.</summary>
    public const int MaxSecurities = 50;

    public const int MaxQuantity = 1_000_000;

    /// <summary>No limit is published; a name longer than this would not fit the SDK's basket header.</summary>
    public const int MaxBasketNameLength = 60;

    public const int MaxLogoUrlLength = 2048;

    // \z, not $: $ also matches before a trailing newline, which would let "ITC\n" through.
    /// <summary>NSE symbols: upper-case letters and digits, with '&amp;', '-' and '_' (e.g. M&amp;M, BAJAJ-AUTO, 360ONE).</summary>
    [GeneratedRegex(@"^[A-Z0-9][A-Z0-9&_-]{0,19}\z", RegexOptions.CultureInvariant)]
    private static partial Regex NseSymbol();

    public static IReadOnlyList<ValidationError> Validate(CreateTransactionRequest? request)
    {
        var errors = new List<ValidationError>();
        if (request is null)
        {
            errors.Add(new("", "A request body is required."));
            return errors;
        }

        var securities = request.Securities ?? [];
        if (securities.Count == 0)
        {
            errors.Add(new("securities", "At least one security is required."));
        }
        else if (securities.Count > MaxSecurities)
        {
            errors.Add(new("securities", $"At most {MaxSecurities} securities are allowed in one transaction."));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < securities.Count; i++)
        {
            ValidateSecurity(securities[i], $"securities[{i}]", seen, errors);
        }

        ValidateAllOrNone(securities, errors);
        ValidateNotes(request.Notes, errors);

        if (request.Basket is { } basket)
        {
            ValidateBasket(basket, errors);
        }

        return errors;
    }

    /// <summary>Checks a cancellation: a 24-hex batch id and an NSE ticker.</summary>
    public static IReadOnlyList<ValidationError> ValidateCancellation(CancelOrderRequest? request)
    {
        if (request is null)
        {
            return [new("", "A request body is required.")];
        }

        var errors = new List<ValidationError>();
        if (request.BatchId is null || !BatchIdPattern().IsMatch(request.BatchId))
        {
            errors.Add(new("batchId", "A batch id is 24 lower-case hexadecimal characters."));
        }

        ValidateTicker(request.Ticker, "ticker", errors);
        ValidateNotes(request.Notes, errors);
        return errors;
    }

    /// <summary>The problems of a ticker given on its own, reported at <c>ticker</c>.</summary>
    public static IReadOnlyList<ValidationError> ValidateTicker(string? ticker)
    {
        var errors = new List<ValidationError>();
        ValidateTicker(ticker, "ticker", errors);
        return errors;
    }

    /// <returns>True when <paramref name="ticker"/> is an NSE symbol; otherwise the problem is reported at <paramref name="field"/>.</returns>
    private static bool ValidateTicker(string? ticker, string field, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(ticker))
        {
            errors.Add(new(field, "A ticker is required."));
            return false;
        }

        if (!NseSymbol().IsMatch(ticker))
        {
            errors.Add(new(field, "A ticker must be an upper-case NSE symbol (A-Z, 0-9, '&', '-', '_'; at most 20 characters)."));
            return false;
        }

        return true;
    }

    private static void ValidateNotes(string? notes, List<ValidationError> errors)
    {
        if (notes is { Length: > MaxNotesLength })
        {
            errors.Add(new("notes", $"Notes must be at most {MaxNotesLength} characters."));
        }
    }

    [GeneratedRegex(@"^[0-9a-f]{24}\z", RegexOptions.CultureInvariant)]
    private static partial Regex BatchIdPattern();

    private static void ValidateBasket(BasketBranding basket, List<ValidationError> errors)
    {
        if (basket.Name is null && basket.LogoUrl is null)
        {
            errors.Add(new("basket", "A basket needs a name, a logo URL or both; leave it out otherwise."));
        }

        if (basket.Name is { } name && (string.IsNullOrWhiteSpace(name) || name.Length > MaxBasketNameLength || name.Any(char.IsControl) || name.Trim().Length != name.Length))
        {
            errors.Add(new("basket.name", $"A basket name must be 1-{MaxBasketNameLength} characters without control characters or surrounding spaces."));
        }

        if (basket.LogoUrl is { } logo
            && (logo.Length > MaxLogoUrlLength
                || !Uri.TryCreate(logo, UriKind.Absolute, out var uri)
                || uri.Scheme != Uri.UriSchemeHttps
                || uri.UserInfo.Length > 0))
        {
            errors.Add(new("basket.logoUrl", $"A logo URL must be an absolute https URL without credentials, at most {MaxLogoUrlLength} characters."));
        }
    }

    private static void ValidateSecurity(SecurityOrder? security, string path, HashSet<string> seen, List<ValidationError> errors)
    {
        if (security is null)
        {
            errors.Add(new(path, "A security is required."));
            return;
        }

        if (ValidateTicker(security.Ticker, $"{path}.ticker", errors) && !seen.Add(security.Ticker))
        {
            errors.Add(new($"{path}.ticker", $"'{security.Ticker}' appears more than once; combine it into one security."));
        }

        if (security.Quantity is { } quantity && (quantity <= 0 || quantity > MaxQuantity))
        {
            errors.Add(new($"{path}.quantity", $"Quantity must be between 1 and {MaxQuantity}."));
        }

        if (security.Type is { } type && !OpenEnumeration.IsKnown(type))
        {
            errors.Add(new($"{path}.type", "Type must be BUY or SELL."));
        }
    }

    private static void ValidateAllOrNone(IReadOnlyList<SecurityOrder?> securities, List<ValidationError> errors)
    {
        var present = securities.Where(s => s is not null).ToList();
        var withQuantity = present.Count(s => s!.Quantity is not null);
        var withType = present.Count(s => s!.Type is not null);
        if (withQuantity is not 0 && withQuantity != present.Count)
        {
            errors.Add(new("securities", "Quantity must be given for every security or for none."));
        }

        if (withType is not 0 && withType != present.Count)
        {
            errors.Add(new("securities", "Type must be given for every security or for none."));
        }

        if (withQuantity != withType)
        {
            errors.Add(new("securities", "Quantity and type go together: give both for every security, or neither."));
        }
    }
}
