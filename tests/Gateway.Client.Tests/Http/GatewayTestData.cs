using Gateway.Client.Auth;
using Gateway.Client.Http;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Client.Tests.Http;

internal static class GatewayTestData
{
    public const string ApiSecret = "api-secret-3f9a7c51";
    public const string AuthToken = "eyJhbGciOiJIUzI1NiJ9.eyJndWVzdCI6dHJ1ZX0.c2lnbmF0dXJlLXBsYWNlaG9sZGVy";
    public const string TransactionId = "TRX_47fbd57104814ddd9d57af8ae6556024";
    public const string GatewayName = "acme-fin";

    public const string CreatedBody = """
        {"success":true,"errors":null,"data":{"transactionId":"TRX_47fbd57104814ddd9d57af8ae6556024","expireAt":"2026-11-24T08:32:34.213Z"}}
        """;

    public const string DetailsBody = """
        {"success":true,"errors":null,"data":{"transactionId":"TRX_47fbd57104814ddd9d57af8ae6556024","smallcaseAuthId":"611a21465fc1af22353c1395",
          "broker":"kite","transactionDetails":{"status":"COMPLETED","error":null}}}
        """;

    public static readonly Uri BaseUrl = new("https://gateway.test");

    public static CreateTransactionRequest Single() => new([new SecurityOrder("RELIANCE", 10, TradeType.Buy)]);

    public static GatewayClient NewClient(FakeGatewayHandler handler, IGatewaySecretSource? secrets = null, Uri? baseUrl = null) =>
        NewClient(handler, NullLogger<GatewayClient>.Instance, secrets, baseUrl);

    public static GatewayClient NewClient(
        FakeGatewayHandler handler, Microsoft.Extensions.Logging.ILogger<GatewayClient> logger, IGatewaySecretSource? secrets = null, Uri? baseUrl = null) =>
        new(
            new HttpClient(handler),
            Microsoft.Extensions.Options.Options.Create(new GatewayOptions { BaseUrl = baseUrl ?? BaseUrl, GatewayName = GatewayName }),
            secrets ?? Secrets(),
            logger);

    public static FixedGatewaySecrets Secrets() => new(new GatewaySecrets("jwt-signing-secret", ApiSecret));
}
