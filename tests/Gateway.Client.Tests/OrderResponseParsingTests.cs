using System.Text.Json;
using Gateway.Client.Json;
using Gateway.Client.Orders;
using Gateway.Client.Transactions;
using Gateway.Client.Webhooks;

namespace Gateway.Client.Tests;

public sealed class OrderResponseParsingTests
{
    /// <summary>The sample of gateway-contract.md section 5, as documented.</summary>
    private const string DocumentedSample = """
        {
          "transactionId": "TRX_47fbd57104814ddd9d57af8ae6556024",
          "smallcaseAuthToken": "<JWT with smallcaseAuthId>",
          "broker": "kite",
          "notes": "ref_9f2c",
          "orderBatches": [{
            "batchId": "611a21737f8bf5d33e986067",
            "transactionId": "TRX_47fb...",
            "variety": "regular",
            "quantity": 2, "filled": 2,
            "buyAmount": 22050.62, "sellAmount": 0,
            "completedDate": "2021-08-16T08:27:34.213Z",
            "status": "COMPLETED",
            "orders": [{
              "tradingsymbol": "ITC", "transactionType": "BUY", "orderType": "MARKET",
              "product": "CNC", "exchange": "NSE", "status": "COMPLETE",
              "quantity": 1, "filledQuantity": 1, "averagePrice": 211.02,
              "exchangeOrderId": "1100000004830698", "errorCode": null, "statusMessage": null
            }],
            "unplaced": []
          }]
        }
        """;

    private static T Parse<T>(string json) => JsonSerializer.Deserialize<T>(json, GatewayJson.Options)
        ?? throw new InvalidOperationException("The JSON was null.");

    private static StockOrder ParseOrder(string json) => Parse<StockOrder>(json);

    [Fact]
    public void DocumentedSample_ParsesEveryField()
    {
        var response = Parse<OrderResponse>(DocumentedSample);

        Assert.Equal("TRX_47fbd57104814ddd9d57af8ae6556024", response.TransactionId);
        Assert.Equal("<JWT with smallcaseAuthId>", response.SmallcaseAuthToken);
        Assert.Equal("kite", response.Broker);
        Assert.Equal("ref_9f2c", response.Notes);
        var batch = Assert.Single(response.OrderBatches);
        Assert.Equal("611a21737f8bf5d33e986067", batch.BatchId);
        Assert.Equal("TRX_47fb...", batch.TransactionId);
        Assert.Equal(OrderVariety.Regular, batch.Variety);
        Assert.Equal(2, batch.Quantity);
        Assert.Equal(2, batch.Filled);
        Assert.Equal(22050.62m, batch.BuyAmount);
        Assert.Equal(0m, batch.SellAmount);
        Assert.Equal(new DateTimeOffset(2021, 8, 16, 8, 27, 34, 213, TimeSpan.Zero), batch.CompletedDate);
        Assert.Equal(BatchStatus.Completed, batch.Status);
        Assert.True(batch.Status.IsFinal);
        Assert.Empty(batch.Unplaced);
        var order = Assert.Single(batch.Orders);
        Assert.Equal("ITC", order.Tradingsymbol);
        Assert.Equal(TradeType.Buy, order.TransactionType);
        Assert.Equal(OrderType.Market, order.OrderType);
        Assert.Equal("CNC", order.Product);
        Assert.Equal("NSE", order.Exchange);
        Assert.Equal(StockOrderStatus.Complete, order.Status);
        Assert.Equal(1, order.Quantity);
        Assert.Equal(1, order.FilledQuantity);
        Assert.Equal(211.02m, order.AveragePrice);
        Assert.Equal("1100000004830698", order.ExchangeOrderId);
        Assert.Equal("1100000004830698", order.ExchangeOrderReference);
        Assert.Null(order.ErrorCode);
        Assert.Null(order.StatusMessage);
    }

    [Fact]
    public void DocumentedSample_MoneyKeepsItsExactDecimalDigits()
    {
        var batch = Assert.Single(Parse<OrderResponse>(DocumentedSample).OrderBatches);

        Assert.Equal("22050.62", batch.BuyAmount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("211.02", Assert.Single(batch.Orders).AveragePrice.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Amounts_BeyondDoublePrecision_AreExact()
    {
        var batch = Parse<OrderBatch>("""{"buyAmount": 12345678901234.567891, "sellAmount": 0.1}""");

        Assert.Equal(12345678901234.567891m, batch.BuyAmount);
        Assert.Equal(0.1m, batch.SellAmount);
    }

    [Theory]
    [InlineData("1100000004830698", "1100000004830698")]
    [InlineData("\"1100000004830698\"", "1100000004830698")]
    [InlineData("11000000048306981234567", "11000000048306981234567")]
    [InlineData("\"NSE-ABC-1\"", "NSE-ABC-1")]
    public void ExchangeOrderId_NumberOrString_KeepsItsText(string wire, string expected)
    {
        var order = ParseOrder($$"""{"tradingsymbol":"ITC","transactionType":"BUY","status":"COMPLETE","exchangeOrderId":{{wire}}}""");

        Assert.Equal(expected, order.ExchangeOrderId);
        Assert.Equal(expected, order.ExchangeOrderReference);
    }

    [Fact]
    public void ExchangeId_NumericVariant_IsTheReferenceWhenExchangeOrderIdIsMissing()
    {
        var order = ParseOrder("""{"tradingsymbol":"ITC","transactionType":"SELL","status":"COMPLETE","exchangeId":1300000001234567}""");

        Assert.Null(order.ExchangeOrderId);
        Assert.Equal("1300000001234567", order.ExchangeId);
        Assert.Equal("1300000001234567", order.ExchangeOrderReference);
    }

    [Fact]
    public void NumbersAsStrings_AreAccepted()
    {
        var batch = Parse<OrderBatch>("""
            {"quantity":"2","filled":"1","buyAmount":"22050.62","sellAmount":"150.5","status":"PARTIALLYFILLED",
             "orders":[{"tradingsymbol":"ITC","transactionType":"BUY","status":"PARTIAL","quantity":"10","filledQuantity":"4","averagePrice":"211.02"}]}
            """);

        Assert.Equal(2, batch.Quantity);
        Assert.Equal(1, batch.Filled);
        Assert.Equal(22050.62m, batch.BuyAmount);
        Assert.Equal(150.5m, batch.SellAmount);
        var order = Assert.Single(batch.Orders);
        Assert.Equal(10, order.Quantity);
        Assert.Equal(4, order.FilledQuantity);
        Assert.Equal(211.02m, order.AveragePrice);
    }

    [Fact]
    public void UnknownFields_AtEveryLevel_AreIgnored()
    {
        var response = Parse<OrderResponse>("""
            {"transactionId":"TRX_1","newTopLevel":{"a":[1,2]},"orderBatches":[{"batchId":"b1","status":"PLACED","futureFlag":true,
              "orders":[{"tradingsymbol":"ITC","transactionType":"BUY","status":"PLACED","quantity":1,"disclosedQuantity":0,"tag":null,
                         "meta":{"nested":{"deep":"x"}}}]}]}
            """);

        var order = Assert.Single(Assert.Single(response.OrderBatches).Orders);
        Assert.Equal("ITC", order.Tradingsymbol);
        Assert.Equal(StockOrderStatus.Placed, order.Status);
    }

    [Fact]
    public void MissingOptionals_AreNullOrEmpty()
    {
        var response = Parse<OrderResponse>("""
            {"transactionId":"TRX_1","orderBatches":[{"batchId":"b1","status":"UNPLACED",
              "orders":[{"tradingsymbol":"ITC","transactionType":"BUY","status":"ERROR","quantity":1}]}]}
            """);

        Assert.Null(response.Broker);
        Assert.Null(response.Notes);
        Assert.Null(response.SmallcaseAuthToken);
        var batch = Assert.Single(response.OrderBatches);
        Assert.Null(batch.Variety);
        Assert.Null(batch.CompletedDate);
        Assert.Equal(0m, batch.BuyAmount);
        Assert.Empty(batch.Unplaced);
        var order = Assert.Single(batch.Orders);
        Assert.Null(order.OrderType);
        Assert.Null(order.ExchangeOrderId);
        Assert.Null(order.ExchangeId);
        Assert.Null(order.ExchangeOrderReference);
        Assert.Null(order.ErrorCode);
        Assert.Null(order.StatusMessage);
        Assert.Equal(0, order.FilledQuantity);
    }

    [Fact]
    public void ExplicitNullLists_AreEmpty()
    {
        var response = Parse<OrderResponse>("""
            {"transactionId":"TRX_1","orderBatches":[{"batchId":"b1","status":"UNPLACED","orders":null,"unplaced":null}]}
            """);
        var noBatches = Parse<OrderResponse>("""{"transactionId":"TRX_1","orderBatches":null}""");

        var batch = Assert.Single(response.OrderBatches);
        Assert.Empty(batch.Orders);
        Assert.Empty(batch.Unplaced);
        Assert.Empty(noBatches.OrderBatches);
    }

    [Fact]
    public void Unplaced_HasTheOrderShape()
    {
        var batch = Parse<OrderBatch>("""
            {"status":"UNPLACED","orders":[],"unplaced":[{"tradingsymbol":"ZOMATO","transactionType":"SELL","status":"ERROR","quantity":3,
              "errorCode":"checkHoldings","statusMessage":"Insufficient holdings"}]}
            """);

        var unplaced = Assert.Single(batch.Unplaced);
        Assert.Equal(StockOrderStatus.Error, unplaced.Status);
        Assert.Equal(TradeType.Sell, unplaced.TransactionType);
        Assert.Equal("checkHoldings", unplaced.ErrorCode);
    }

    [Fact]
    public void Webhook_NumericTimestamp_KeepsItsJsonTextForTheChecksum()
    {
        const string secret = "test-api-secret";
        const string authId = "611a21465fc1af22353c1395";
        var checksum = WebhookChecksum.Sign(secret, "1629102454213", authId);

        var webhook = Parse<GatewayWebhook>($$"""
            {"checksum":"{{checksum}}","timestamp":1629102454213,"smallcaseAuthId":"{{authId}}",
             "transactionId":"TRX_47fbd57104814ddd9d57af8ae6556024","broker":"kite","orderBatches":[]}
            """);

        Assert.Equal("1629102454213", webhook.Timestamp);
        Assert.Equal(authId, webhook.SmallcaseAuthId);
        Assert.Equal(ChecksumFailure.None, WebhookChecksum.Verify(webhook, [secret]));
    }

    [Fact]
    public void Webhook_FractionalNumericTimestamp_IsNotReformatted()
    {
        var webhook = Parse<GatewayWebhook>("""{"timestamp":1629102454.2130,"smallcaseAuthId":"a"}""");

        Assert.Equal("1629102454.2130", webhook.Timestamp);
    }

    [Fact]
    public void Webhook_StringTimestamp_IsKeptAsSent()
    {
        var webhook = Parse<GatewayWebhook>("""{"timestamp":"2021-08-16T08:27:34.213Z","smallcaseAuthId":"a"}""");

        Assert.Equal("2021-08-16T08:27:34.213Z", webhook.Timestamp);
    }

    [Fact]
    public void Webhook_CarriesTheOrderResponse()
    {
        var webhook = Parse<GatewayWebhook>(DocumentedSample.Replace("\"broker\"", "\"timestamp\":\"t\",\"checksum\":\"c\",\"smallcaseAuthId\":\"a\",\"broker\"", StringComparison.Ordinal));

        Assert.Equal("c", webhook.Checksum);
        Assert.Equal(22050.62m, Assert.Single(webhook.OrderBatches).BuyAmount);
    }

    [Fact]
    public void TransactionDetails_ErrorAsObject_ReadsCodeAndMessage()
    {
        var details = Parse<TransactionDetails>("""
            {"transactionId":"TRX_1","transactionDetails":{"status":"ERRORED","error":{"code":1005,"message":"transaction_expired","extra":true}}}
            """);

        Assert.Equal(TransactionStatus.Errored, details.Status);
        Assert.Equal(new TransactionError("1005", "transaction_expired"), details.Details.Error);
    }

    [Fact]
    public void TransactionDetails_ErrorAsStringCode_ReadsCodeAndMessage()
    {
        var details = Parse<TransactionDetails>("""
            {"transactionId":"TRX_1","transactionDetails":{"status":"ERRORED","error":{"code":"user_cancelled","message":null}}}
            """);

        Assert.Equal(new TransactionError("user_cancelled", null), details.Details.Error);
    }

    [Fact]
    public void TransactionDetails_ErrorAsBareString_IsBothCodeAndMessage()
    {
        var details = Parse<TransactionDetails>("""
            {"transactionId":"TRX_1","transactionDetails":{"status":"ERRORED","error":"user_cancelled"}}
            """);

        Assert.Equal(new TransactionError("user_cancelled", "user_cancelled"), details.Details.Error);
    }

    [Fact]
    public void TransactionDetails_NullError_IsNull()
    {
        var details = Parse<TransactionDetails>("""
            {"transactionId":"TRX_1","smallcaseAuthId":"6","broker":"kite","transactionDetails":{"status":"COMPLETED","error":null}}
            """);

        Assert.Equal(TransactionStatus.Completed, details.Status);
        Assert.Null(details.Details.Error);
    }

    [Fact]
    public void TransactionDetails_UnknownStatus_IsKept()
    {
        var details = Parse<TransactionDetails>("""{"transactionId":"TRX_1","transactionDetails":{"status":"EXPIRED"}}""");

        Assert.Equal("EXPIRED", details.Status.Value);
        Assert.False(details.Status.IsTerminal);
    }
}
