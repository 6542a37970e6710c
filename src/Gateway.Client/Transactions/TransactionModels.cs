using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Client.Json;
using Gateway.Client.Orders;

namespace Gateway.Client.Transactions;

/// <summary>One security in a transaction. Quantity and type are optional but all-or-none across the list.</summary>
public sealed record SecurityOrder(string Ticker, int? Quantity = null, TradeType? Type = null);

/// <summary>
/// A custom name and logo the SDK shows for the basket. smallcase's create API supports them; the field names are not
/// published: <c>orderConfig.basket: { name, logoUrl }</c> is an assumption (contract section 2).
/// </summary>
public sealed record BasketBranding(string? Name, string? LogoUrl);

/// <summary>What the platform asks the Gateway to create: one security (single order) or several (basket).</summary>
public sealed record CreateTransactionRequest(IReadOnlyList<SecurityOrder> Securities, string? Notes = null, BasketBranding? Basket = null);

/// <summary>The wire body of <c>POST /gateway/{gw}/transaction</c>.</summary>
public sealed record CreateTransactionBody(string Intent, TransactionOrderConfig OrderConfig, string? Notes)
{
    public const string TransactionIntent = "TRANSACTION";

    public static CreateTransactionBody From(CreateTransactionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(TransactionIntent, new TransactionOrderConfig(TransactionOrderConfig.SecuritiesType, request.Securities, request.Basket), request.Notes);
    }
}

/// <param name="Basket">Omitted from the wire when null.</param>
public sealed record TransactionOrderConfig(string Type, IReadOnlyList<SecurityOrder> Securities, BasketBranding? Basket = null)
{
    public const string SecuritiesType = "SECURITIES";
}

public sealed record CreatedTransaction(string TransactionId, DateTimeOffset ExpireAt);

/// <summary>
/// Asks the Gateway for a transaction that cancels one open order (AMO, limit or stop-loss) of an earlier transaction:
/// the user confirms it in the SDK, like any transaction.
/// </summary>
public sealed record CancelOrderRequest(string BatchId, string Ticker, string? Notes = null);

/// <summary>The wire body of <c>POST /gateway/{gw}/transaction</c> with the <c>CANCEL_ORDER</c> intent.</summary>
public sealed record CancelOrderBody(string Intent, CancelOrderConfig OrderConfig, string? Notes)
{
    public const string CancelOrderIntent = "CANCEL_ORDER";

    public static CancelOrderBody From(CancelOrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(CancelOrderIntent, new CancelOrderConfig(request.BatchId, request.Ticker), request.Notes);
    }
}

public sealed record CancelOrderConfig(string BatchId, string Ticker);

[JsonConverter(typeof(OpenEnumerationConverter<TransactionStatus>))]
public readonly record struct TransactionStatus(string Value) : IOpenEnumeration<TransactionStatus>
{
    public static readonly TransactionStatus Initialized = new("INITIALIZED");
    public static readonly TransactionStatus Used = new("USED");
    public static readonly TransactionStatus Processing = new("PROCESSING");
    public static readonly TransactionStatus ActionRequired = new("ACTION_REQUIRED");
    public static readonly TransactionStatus Errored = new("ERRORED");
    public static readonly TransactionStatus Completed = new("COMPLETED");

    public static IReadOnlyList<TransactionStatus> Known { get; } =
        [Initialized, Used, Processing, ActionRequired, Errored, Completed];

    /// <summary>
    /// True when the Gateway has finished with the flow. There is no EXPIRED status: an abandoned transaction
    /// stays INITIALIZED/USED past its expiry.
    /// </summary>
    public bool IsTerminal => this == Completed || this == Errored;

    public static TransactionStatus From(string value) => new(value);

    public override string ToString() => Value;
}

/// <summary>The <c>data</c> of <c>GET /v1/{gw}/engine/transactiondetails</c>.</summary>
public sealed record TransactionDetails
{
    public string TransactionId { get; init; } = string.Empty;

    public string? SmallcaseAuthId { get; init; }

    public string? Broker { get; init; }

    [JsonPropertyName("transactionDetails")]
    public TransactionDetailsStatus Details { get; init; } = new();

    [JsonIgnore]
    public TransactionStatus Status => Details.Status;
}

public sealed record TransactionDetailsStatus
{
    public TransactionStatus Status { get; init; }

    [JsonConverter(typeof(TransactionErrorConverter))]
    public TransactionError? Error { get; init; }
}

/// <summary>Why a flow ended in ERRORED, e.g. <c>user_cancelled</c>, <c>transaction_expired</c> (1005).</summary>
public sealed record TransactionError(string? Code, string? Message);

/// <summary>The documented shape is <c>{code, message}</c>; a bare string or number is tolerated.</summary>
public sealed class TransactionErrorConverter : JsonConverter<TransactionError?>
{
    public override bool HandleNull => true;

    public override TransactionError? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            var text = JsonText.ReadScalar(ref reader);
            return new TransactionError(text, text);
        }

        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        return new TransactionError(Scalar(root, "code"), Scalar(root, "message"));
    }

    public override void Write(Utf8JsonWriter writer, TransactionError? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("code", value.Code);
        writer.WriteString("message", value.Message);
        writer.WriteEndObject();
    }

    private static string? Scalar(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    _ => property.Value.GetRawText(),
                };
            }
        }

        return null;
    }
}

/// <summary>The <c>data</c> of <c>GET /v1/{gw}/engine/orders/sst</c>.</summary>
public sealed record OrderDetails
{
    public IReadOnlyList<OrderBatch> OrderBatches { get; init; } = [];
}

/// <summary>Every Gateway response: <c>success:false</c> is a failure whatever the HTTP status.</summary>
public sealed record GatewayEnvelope<T>
{
    public bool Success { get; init; }

    [JsonConverter(typeof(ErrorListConverter))]
    public IReadOnlyList<string>? Errors { get; init; }

    public string? ErrorType { get; init; }

    public T? Data { get; init; }
}
