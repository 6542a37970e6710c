using System.Text.Json;
using Gateway.Client.Json;
using Gateway.Client.Orders;
using Gateway.Client.Sdk;
using Gateway.Client.Transactions;

namespace Gateway.Client.Tests;

public sealed class SdkResultTests
{
    private const string Orders = """{"transactionId":"TRX_1","smallcaseAuthToken":"jwt","broker":"kite","orderBatches":[{"batchId":"b1","orders":[{"tradingsymbol":"ITC","quantity":5}]}]}""";

    private static (bool Ok, OrderResponse? Orders, TransactionError? Error, string? Problem) Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var ok = SdkResult.TryRead<OrderResponse>(document.RootElement, GatewayJson.Options, out var orders, out var error, out var problem);
        return (ok, orders, error, problem);
    }

    [Fact]
    public void Success_DataAsAJsonString_IsTheOrderResponse()
    {
        var (ok, orders, error, _) = Read(JsonSerializer.Serialize(new { success = true, data = Orders, transaction = "TRANSACTION", errorCode = (int?)null, errorMessage = (string?)null }));

        Assert.True(ok);
        Assert.Null(error);
        Assert.Equal("TRX_1", orders!.TransactionId);
        Assert.Equal("jwt", orders.SmallcaseAuthToken);
        Assert.Equal("ITC", Assert.Single(Assert.Single(orders.OrderBatches).Orders).Tradingsymbol);
    }

    [Fact]
    public void Success_DataAlreadyParsedByAWrapper_IsTheOrderResponse()
    {
        var (ok, orders, _, _) = Read($$"""{"success":true,"data":{{Orders}}}""");

        Assert.True(ok);
        Assert.Equal("kite", orders!.Broker);
    }

    [Theory]
    [InlineData("1001", "user_mismatch")]
    [InlineData("1005", "transaction_expired")]
    [InlineData("1006", "no_broker")]
    [InlineData("1007", "no_broker")]
    [InlineData("\"1005\"", "transaction_expired")]
    [InlineData("\"invalid_jwt\"", "invalid_jwt")]
    [InlineData("1099", "1099")]
    public void Failure_ErrorCode_IsNamedWhenKnownAndKeptOtherwise(string errorCode, string expected)
    {
        var (ok, orders, error, _) = Read($$"""{"success":false,"errorCode":{{errorCode}},"errorMessage":"what the SDK said","data":null}""");

        Assert.True(ok);
        Assert.Null(orders);
        Assert.Equal(new TransactionError(expected, "what the SDK said"), error);
    }

    [Fact]
    public void NativeFailure_WithoutSuccess_IsAnErrorWithItsData()
    {
        var (ok, orders, error, _) = Read(JsonSerializer.Serialize(new { errorCode = 1001, errorMessage = "user_mismatch", data = Orders }));

        Assert.True(ok);
        Assert.Equal("user_mismatch", error!.Code);
        Assert.Equal("TRX_1", orders!.TransactionId);
    }

    [Theory]
    [InlineData("""{"success":"yes"}""", "success")]
    [InlineData("""{"success":true,"data":"not json"}""", "data")]
    [InlineData("""{"success":true,"data":42}""", "data")]
    [InlineData("""{"success":false,"errorCode":{"nested":1}}""", "errorCode")]
    public void Malformed_IsRefusedWithTheFieldNamed(string json, string field)
    {
        var (ok, _, _, problem) = Read(json);

        Assert.False(ok);
        Assert.Contains(field, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void BareOrderResponse_IsNotAnEnvelope()
    {
        using var document = JsonDocument.Parse(Orders);

        Assert.False(SdkResult.IsEnvelope(document.RootElement));
    }

    [Fact]
    public void Failed_UsesTheNumberWhenTheSdksNumberTheError_AndReadsBackToTheName()
    {
        foreach (var name in new[] { "user_mismatch", "transaction_expired", "no_broker", "user_cancelled" })
        {
            var json = JsonSerializer.Serialize(SdkResult.Failed(name, "message"), GatewayJson.Options);
            var (ok, _, error, _) = Read(json);

            Assert.True(ok);
            Assert.Equal(name, error!.Code);
            Assert.Equal(name == "user_cancelled", json.Contains("\"errorCode\":\"user_cancelled\"", StringComparison.Ordinal));
        }
    }
}
