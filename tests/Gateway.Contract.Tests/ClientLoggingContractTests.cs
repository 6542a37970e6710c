using Gateway.Client.Auth;
using Gateway.Client.Http;
using Gateway.Client.Transactions;
using Gateway.Simulator.Scenarios;
using Microsoft.Extensions.Logging.Testing;
using static Gateway.Contract.Tests.ContractHarness;

namespace Gateway.Contract.Tests;

public sealed class ClientLoggingContractTests : ContractTestBase
{
    [Fact]
    public async Task GatewayCalls_SucceedingRetriedAndRefused_LogNeitherTheApiSecretNorTheAuthToken()
    {
        const string wrongApiSecret = "not-the-api-secret-but-still-secret";
        var token = H.Guest();
        var created = await H.Client.CreateTransactionAsync(new CreateTransactionRequest([Buy("ITC", 1)]), token, H.Ct);
        await H.Client.GetTransactionDetailsAsync(created.TransactionId, token, H.Ct);
        H.ArmFault(ApiNames.OrderDetails, new ApiFault { Status = 503, Count = 10 });
        await Assert.ThrowsAsync<GatewayApiException>(() => H.Client.GetOrderDetailsAsync(created.TransactionId, token, H.Ct));
        await using var misconfigured = H.CreateClient(secrets: new GatewaySecrets(Secret, wrongApiSecret));
        await Assert.ThrowsAsync<GatewayApiException>(() => misconfigured.Client.GetTransactionDetailsAsync(created.TransactionId, token, H.Ct));

        var records = H.App.Logs.GetSnapshot().Concat(misconfigured.Logs.GetSnapshot()).ToList();

        // The failures were logged (so the logs were captured at all), at Trace level and up.
        Assert.Equal(2, records.Count(r => r.Id.Name == "GatewayCallFailed"));
        Assert.All(records, record =>
        {
            var text = Text(record);
            Assert.DoesNotContain(ApiSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(wrongApiSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        });
    }

    /// <summary>Everything a logging provider could export: the message, every structured value, the exception.</summary>
    private static string Text(FakeLogRecord record) => string.Join(
        "\n",
        [record.Message, .. (record.StructuredState ?? []).Select(pair => $"{pair.Key}={pair.Value}"), record.Exception?.ToString() ?? string.Empty]);
}
