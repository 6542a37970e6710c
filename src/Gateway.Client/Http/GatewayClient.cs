using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Client.Auth;
using Gateway.Client.Json;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Gateway.Client.Http;

/// <summary>The three Gateway APIs the platform's server calls.</summary>
public interface IGatewayClient
{
    /// <exception cref="GatewayValidationException">The request is invalid; nothing was sent.</exception>
    /// <exception cref="GatewayApiException">The Gateway did not create the transaction, or the outcome is unknown.</exception>
    Task<CreatedTransaction> CreateTransactionAsync(CreateTransactionRequest request, string authToken, CancellationToken cancellationToken);

    /// <summary>Creates the transaction that cancels one open order; the user confirms it in the SDK.</summary>
    /// <exception cref="GatewayValidationException">The request is invalid; nothing was sent.</exception>
    /// <exception cref="GatewayApiException">The Gateway did not create the transaction (e.g. the order is no longer open), or the outcome is unknown.</exception>
    Task<CreatedTransaction> CreateCancellationAsync(CancelOrderRequest request, string authToken, CancellationToken cancellationToken);

    /// <exception cref="GatewayApiException">No usable answer.</exception>
    Task<TransactionDetails> GetTransactionDetailsAsync(string transactionId, string authToken, CancellationToken cancellationToken);

    /// <summary>The order batches; empty until the transaction is COMPLETED.</summary>
    /// <exception cref="GatewayApiException">No usable answer.</exception>
    Task<OrderDetails> GetOrderDetailsAsync(string transactionId, string authToken, CancellationToken cancellationToken);
}

/// <summary>
/// Typed client for the Gateway: sends the API secret (read per call, it rotates) and the caller's auth token, checks
/// every response (status, <c>success</c>, <c>data</c>) and turns every failure into a <see cref="GatewayApiException"/>.
/// Retries and timeouts come from the pipeline set up by <see cref="GatewayServiceCollectionExtensions.AddGatewayClient(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{GatewayOptions}?)"/>.
/// </summary>
public sealed class GatewayClient : IGatewayClient
{
    public const string SecretHeader = "x-gateway-secret";
    public const string AuthTokenHeader = "x-gateway-authtoken";

    private const string Masked = "***";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");

    private readonly HttpClient http;
    private readonly GatewayOptions options;
    private readonly IGatewaySecretSource secrets;
    private readonly ILogger<GatewayClient> logger;

    public GatewayClient(HttpClient http, IOptions<GatewayOptions> options, IGatewaySecretSource secrets, ILogger<GatewayClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(logger);
        this.http = http;
        this.options = options.Value;
        this.secrets = secrets;
        this.logger = logger;
    }

    public Task<CreatedTransaction> CreateTransactionAsync(CreateTransactionRequest request, string authToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PostTransactionAsync(TransactionRequestValidator.Validate(request), () => CreateTransactionBody.From(request), authToken, cancellationToken);
    }

    public Task<CreatedTransaction> CreateCancellationAsync(CancelOrderRequest request, string authToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PostTransactionAsync(TransactionRequestValidator.ValidateCancellation(request), () => CancelOrderBody.From(request), authToken, cancellationToken);
    }

    /// <summary><c>POST /gateway/{gw}/transaction</c> with a body of any intent, once it is valid; never retried once sent.</summary>
    private async Task<CreatedTransaction> PostTransactionAsync<TBody>(
        IReadOnlyList<ValidationError> problems, Func<TBody> body, string authToken, CancellationToken cancellationToken)
    {
        if (problems.Count > 0)
        {
            throw new GatewayValidationException(problems);
        }

        ThrowIfInvalidAuthToken(authToken);
        using var message = new HttpRequestMessage(HttpMethod.Post, Endpoint($"gateway/{options.GatewayName}/transaction"))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body(), GatewayJson.Options)) { Headers = { ContentType = JsonContentType } },
        };
        message.Options.Set(GatewayRetryRules.NotIdempotent, true);

        return await SendAsync(GatewayOperation.CreateTransaction, message, authToken, ReadCreated, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TransactionDetails> GetTransactionDetailsAsync(string transactionId, string authToken, CancellationToken cancellationToken)
    {
        GatewayTransactionId.ThrowIfInvalid(transactionId, nameof(transactionId));
        ThrowIfInvalidAuthToken(authToken);
        using var message = new HttpRequestMessage(HttpMethod.Get, Endpoint($"v1/{options.GatewayName}/engine/transactiondetails", transactionId));

        return await SendAsync(
            GatewayOperation.GetTransactionDetails, message, authToken, data => ReadTransactionDetails(data, transactionId), cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<OrderDetails> GetOrderDetailsAsync(string transactionId, string authToken, CancellationToken cancellationToken)
    {
        GatewayTransactionId.ThrowIfInvalid(transactionId, nameof(transactionId));
        ThrowIfInvalidAuthToken(authToken);
        using var message = new HttpRequestMessage(HttpMethod.Get, Endpoint($"v1/{options.GatewayName}/engine/orders/sst", transactionId));

        return await SendAsync(GatewayOperation.GetOrderDetails, message, authToken, ReadOrderDetails, cancellationToken).ConfigureAwait(false);
    }

    private static CreatedTransaction ReadCreated(JsonElement data)
    {
        var created = ReadData<CreatedTransaction>(data);
        return string.IsNullOrEmpty(created.TransactionId) || created.ExpireAt == default
            ? throw new InvalidDataException("The created transaction has no transactionId or expireAt.")
            : created;
    }

    private static TransactionDetails ReadTransactionDetails(JsonElement data, string requestedId)
    {
        var details = ReadData<TransactionDetails>(data);
        if (string.IsNullOrEmpty(details.Status.Value))
        {
            throw new InvalidDataException("The transaction details carry no status.");
        }

        if (details.TransactionId.Length > 0 && !string.Equals(details.TransactionId, requestedId, StringComparison.Ordinal))
        {
            throw new InvalidDataException("The transaction details are for another transaction.");
        }

        return details;
    }

    /// <summary>
    /// <c>data</c> is documented as <c>{orderBatches: [...]}</c>; a bare array of batches is accepted too, and null or
    /// empty means no orders yet (the Gateway returns orders only once the transaction is COMPLETED).
    /// </summary>
    private static OrderDetails ReadOrderDetails(JsonElement data)
    {
        switch (data.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return new OrderDetails();
            case JsonValueKind.Array:
                return new OrderDetails { OrderBatches = [.. ReadData<List<OrderBatch?>>(data).OfType<OrderBatch>()] };
            case JsonValueKind.Object:
                var details = ReadData<OrderDetails>(data);
                return details with { OrderBatches = [.. (details.OrderBatches ?? []).OfType<OrderBatch>()] };
            default:
                throw new InvalidDataException("The order details data is neither an object nor an array.");
        }
    }

    /// <exception cref="JsonException">The data does not fit <typeparamref name="T"/>.</exception>
    /// <exception cref="InvalidDataException">There is no data.</exception>
    private static T ReadData<T>(JsonElement data) where T : class =>
        data.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
            ? throw new InvalidDataException("The response has no data.")
            : data.Deserialize<T>(GatewayJson.Options) ?? throw new InvalidDataException("The response has no data.");

    private async Task<T> SendAsync<T>(
        GatewayOperation operation, HttpRequestMessage message, string authToken, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        var apiSecret = (await secrets.GetAsync(cancellationToken).ConfigureAwait(false)).ApiSecret;
        if (string.IsNullOrWhiteSpace(apiSecret))
        {
            throw new InvalidOperationException("The Gateway API secret is not configured.");
        }

        message.Headers.TryAddWithoutValidation(SecretHeader, apiSecret);
        message.Headers.TryAddWithoutValidation(AuthTokenHeader, authToken);
        message.Headers.Accept.Add(AcceptJson);

        try
        {
            return await SendCheckedAsync(operation, message, read, cancellationToken).ConfigureAwait(false);
        }
        catch (GatewayApiException failure)
        {
            var masked = Mask(failure, apiSecret, authToken);
            GatewayClientLog.CallFailed(logger, masked.Operation, masked.Kind, (int?)masked.StatusCode, masked.ErrorType);
            if (ReferenceEquals(masked, failure))
            {
                throw;
            }

            throw masked;
        }
    }

    private async Task<T> SendCheckedAsync<T>(
        GatewayOperation operation, HttpRequestMessage message, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        using var response = await TrySendAsync(operation, message, cancellationToken).ConfigureAwait(false);
        var status = response.StatusCode;
        byte[] body;
        try
        {
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new GatewayApiException(operation, GatewayFailureKind.Transport, status, null, null, exception);
        }

        var envelope = TryParseEnvelope(body, out var parseError);
        if (!response.IsSuccessStatusCode)
        {
            throw new GatewayApiException(operation, KindOf(status), status, envelope?.ErrorType, envelope?.Errors);
        }

        if (envelope is null)
        {
            throw Invalid(operation, status, "The response is not a JSON envelope.", parseError);
        }

        if (!envelope.Success)
        {
            throw new GatewayApiException(operation, GatewayFailureKind.Rejected, status, envelope.ErrorType, envelope.Errors);
        }

        try
        {
            return read(envelope.Data);
        }
        catch (Exception exception) when (exception is JsonException or InvalidDataException)
        {
            throw Invalid(operation, status, exception is JsonException ? "The response data does not have the documented shape." : exception.Message, exception);
        }
    }

    private async Task<HttpResponseMessage> TrySendAsync(GatewayOperation operation, HttpRequestMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException exception)
        {
            throw new GatewayApiException(operation, GatewayFailureKind.Timeout, null, null, null, exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout, when no resilience pipeline is in front.
            throw new GatewayApiException(operation, GatewayFailureKind.Timeout, null, null, null, exception);
        }
        catch (HttpRequestException exception)
        {
            throw new GatewayApiException(operation, GatewayFailureKind.Transport, exception.StatusCode, null, null, exception);
        }
    }

    private static GatewayEnvelope<JsonElement>? TryParseEnvelope(byte[] body, out JsonException? error)
    {
        error = null;
        try
        {
            return JsonSerializer.Deserialize<GatewayEnvelope<JsonElement>>(body, GatewayJson.Options);
        }
        catch (JsonException exception)
        {
            error = exception;
            return null;
        }
    }

    private static GatewayFailureKind KindOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => GatewayFailureKind.Unauthorized,
        HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => GatewayFailureKind.Unavailable,
        >= HttpStatusCode.InternalServerError => GatewayFailureKind.Unavailable,
        >= HttpStatusCode.BadRequest => GatewayFailureKind.Rejected,
        _ => GatewayFailureKind.InvalidResponse,
    };

    private static GatewayApiException Invalid(GatewayOperation operation, HttpStatusCode status, string problem, Exception? inner) =>
        new(operation, GatewayFailureKind.InvalidResponse, status, null, [problem], inner);

    /// <summary>Masks the secret and the token should the Gateway have echoed either in its error text.</summary>
    private static GatewayApiException Mask(GatewayApiException failure, string apiSecret, string authToken)
    {
        string MaskText(string text) => text
            .Replace(apiSecret, Masked, StringComparison.Ordinal)
            .Replace(authToken, Masked, StringComparison.Ordinal);

        bool Leaks(string? text) => text is not null
            && (text.Contains(apiSecret, StringComparison.Ordinal) || text.Contains(authToken, StringComparison.Ordinal));

        if (!Leaks(failure.ErrorType) && !failure.Errors.Any(Leaks))
        {
            return failure;
        }

        return new GatewayApiException(
            failure.Operation,
            failure.Kind,
            failure.StatusCode,
            failure.ErrorType is null ? null : MaskText(failure.ErrorType),
            [.. failure.Errors.Select(MaskText)],
            failure.InnerException);
    }

    private Uri Endpoint(string path, string? transactionId = null)
    {
        var baseUrl = options.BaseUrl ?? throw new InvalidOperationException("GatewayOptions.BaseUrl is not configured.");
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        var relative = transactionId is null ? path : $"{path}?transactionId={Uri.EscapeDataString(transactionId)}";
        return new Uri(root, relative);
    }

    private static void ThrowIfInvalidAuthToken(string authToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(authToken);
        if (authToken.Any(c => c is < '!' or > '~'))
        {
            // The value itself stays out of the message: it is a credential.
            throw new ArgumentException("The auth token must be a JWT: visible ASCII characters only.", nameof(authToken));
        }
    }
}

/// <summary>The Gateway client's log messages; event ids 7000–7999 are stable.</summary>
internal static partial class GatewayClientLog
{
    public const int FirstEventId = 7000;
    public const int LastEventId = 7999;

    [LoggerMessage(EventId = 7101, EventName = "GatewayCallFailed", Level = LogLevel.Warning,
        Message = "Gateway {Operation} failed: {Kind}, HTTP status {StatusCode}, errorType {ErrorType}")]
    public static partial void CallFailed(ILogger logger, GatewayOperation operation, GatewayFailureKind kind, int? statusCode, string? errorType);
}
