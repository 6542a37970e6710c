using System.Text.Json;
using Gateway.Client.Json;
using Gateway.Client.Transactions;
using Microsoft.DurableTask.Converters;
using Transactions.Tracking;

namespace Transactions.Orchestration.Tests;

/// <summary>
/// Everything the orchestration passes through Durable Task (its input, signals, activity inputs and results) goes
/// through the host's data converter: Durable Task's default, or the Functions worker's web-style JSON. Both must give
/// back what went in, money and open enumerations included.
/// </summary>
public sealed class PayloadSerializationTests
{
    public static TheoryData<string> Converters => ["durable-default", "web"];

    [Theory]
    [MemberData(nameof(Converters))]
    public void Payloads_RoundTrip_Unchanged(string converterName)
    {
        var converter = converterName == "web" ? new JsonDataConverter(new JsonSerializerOptions(JsonSerializerDefaults.Web)) : JsonDataConverter.Default;
        var change = CompletedChange();
        var read = Scenario.Orders(new GatewayReadRequest(Scenario.TransactionId, PollTarget.OrderDetails, null), "COMPLETED", ("ITC", "COMPLETE", 10));
        var details = Scenario.Details(new GatewayReadRequest(Scenario.TransactionId, PollTarget.TransactionDetails, null), TransactionStatus.From("NEW_STATUS"));
        var signal = new TrackerSignal(TrackerSignalSource.SdkResult, VerifiedSmallcaseAuthId: Scenario.AuthId, SdkError: new TransactionError("user_cancelled", "cancelled"));

        AssertRoundTrips(converter, new TrackingInput(change.State, TimeSpan.FromDays(-7)));
        AssertRoundTrips(converter, change);
        AssertRoundTrips(converter, read);
        AssertRoundTrips(converter, details);
        AssertRoundTrips(converter, signal);
        AssertRoundTrips(converter, new GatewayReadRequest(Scenario.TransactionId, PollTarget.OrderDetails, Scenario.AuthId));
        Assert.Equal(412.35m, converter.Deserialize<GatewayReadResult>(converter.Serialize(read))!.Orders!.OrderBatches[0].Orders[0].AveragePrice);
    }

    private static TrackerChange CompletedChange()
    {
        var scenario = new Scenario
        {
            TransactionDetails = request => Scenario.Details(request, TransactionStatus.Completed),
            OrderDetails = request => Scenario.Orders(request, "COMPLETED", ("ITC", "COMPLETE", 10), ("INFY", "PARTIAL", 4)),
        };
        scenario.Start();
        scenario.Context.Raise(new TrackerSignal(TrackerSignalSource.Webhook));
        scenario.Context.FireNextTimer();
        scenario.Context.FireNextTimer();
        return scenario.Recorded[^1];
    }

    /// <summary>Compared as the app's own JSON, which covers every field of these records and their nested lists.</summary>
    private static void AssertRoundTrips<T>(JsonDataConverter converter, T value)
    {
        var back = converter.Deserialize<T>(converter.Serialize(value));
        Assert.Equal(JsonSerializer.Serialize(value, GatewayJson.Options), JsonSerializer.Serialize(back, GatewayJson.Options));
    }
}
