using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;

namespace Gateway.Client.Sdk;

/// <summary>
/// What a Gateway SDK resolves a transaction with: <c>{ success, data, transaction, errorCode, errorMessage }</c>.
/// <c>data</c> is the order response as a JSON <em>string</em>; <c>errorCode</c> is a number for the errors the SDKs
/// number (the native SDKs number every error) and the error's name for the web SDK's initialisation errors;
/// <c>transaction</c> names the intent. It comes from the user's device: only a signed <c>smallcaseAuthToken</c> in
/// <c>data</c> is ever believed, and only after verification.
/// </summary>
public sealed record SdkResult(bool Success, string? Data, string? Transaction, object? ErrorCode, string? ErrorMessage)
{
    /// <summary>The intent of a securities transaction, as <c>transaction</c> names it [assume].</summary>
    public const string TransactionIntent = "TRANSACTION";

    /// <summary>The errors the SDKs number, by number (the rest of the list is not published).</summary>
    public static readonly FrozenDictionary<int, string> NumberedErrors = new Dictionary<int, string>
    {
        [1001] = "user_mismatch",
        [1005] = "transaction_expired",
        [1006] = "no_broker",
        [1007] = "no_broker",
    }.ToFrozenDictionary();

    /// <summary>The envelope of a flow the user completed: the order response, serialized, in <c>data</c>.</summary>
    public static SdkResult Succeeded(string orderResponseJson) => new(true, orderResponseJson, TransactionIntent, null, null);

    /// <summary>The envelope of a flow that ended with the error <paramref name="name"/>: its number when the SDKs number it, else its name.</summary>
    public static SdkResult Failed(string name, string? message)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        object code = NumberedErrors.FirstOrDefault(e => e.Value == name) is { Value: not null } numbered ? numbered.Key : name;
        return new SdkResult(false, null, TransactionIntent, code, message ?? name);
    }

    /// <summary>True when <paramref name="root"/> is the SDKs' envelope (it has <c>success</c> or <c>errorCode</c>), not a bare order response.</summary>
    public static bool IsEnvelope(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("success", out _) || root.TryGetProperty("errorCode", out _));

    /// <summary>
    /// Reads an envelope: the order response from <c>data</c> (a JSON string, or an object where a wrapper already
    /// parsed it; null when absent), and the error of a failed flow, named: a known number becomes its name, an
    /// unknown number is kept as its digits, a name is kept as it is.
    /// </summary>
    /// <returns>False with <paramref name="problem"/> when the envelope is malformed.</returns>
    public static bool TryRead<TOrders>(JsonElement root, JsonSerializerOptions options, out TOrders? orders, out TransactionError? error, out string? problem)
        where TOrders : OrderResponse
    {
        (orders, error, problem) = (null, null, null);
        if (!IsEnvelope(root))
        {
            problem = "The SDK result is not the SDK's envelope.";
            return false;
        }

        var success = root.TryGetProperty("success", out var flag) ? flag.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => (bool?)null,
        } : false;
        if (success is null)
        {
            problem = "success must be true or false.";
            return false;
        }

        if (root.TryGetProperty("data", out var data) && data.ValueKind is not JsonValueKind.Null)
        {
            try
            {
                orders = data.ValueKind switch
                {
                    JsonValueKind.String => JsonSerializer.Deserialize<TOrders>(data.GetString()!, options),
                    JsonValueKind.Object => data.Deserialize<TOrders>(options),
                    _ => throw new JsonException("data is neither a string nor an object."),
                };
            }
            catch (JsonException)
            {
                problem = "data must be the order response as a JSON string.";
                return false;
            }
        }

        if (success == true)
        {
            return true;
        }

        var message = root.TryGetProperty("errorMessage", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
        string? code = null;
        if (root.TryGetProperty("errorCode", out var errorCode))
        {
            switch (errorCode.ValueKind)
            {
                case JsonValueKind.Number when errorCode.TryGetInt32(out var number):
                    code = NumberedErrors.GetValueOrDefault(number) ?? number.ToString(CultureInfo.InvariantCulture);
                    break;
                case JsonValueKind.String:
                    var name = errorCode.GetString();
                    code = int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var digits) ? NumberedErrors.GetValueOrDefault(digits) ?? name : name;
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    problem = "errorCode must be a number or a name.";
                    return false;
            }
        }

        error = new TransactionError(string.IsNullOrEmpty(code) ? null : code, message);
        return true;
    }
}
