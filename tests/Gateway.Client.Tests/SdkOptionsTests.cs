using Gateway.Client.Sdk;

namespace Gateway.Client.Tests;

public sealed class SdkOptionsTests
{
    private static SdkOptions With(params string[] brokers)
    {
        var options = new SdkOptions();
        foreach (var broker in brokers)
        {
            options.Brokers.Add(broker);
        }

        return options;
    }

    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(new SdkOptionsValidator().Validate(null, new SdkOptions()).Succeeded);
    }

    [Fact]
    public void EveryDocumentedBroker_IsValid()
    {
        Assert.True(new SdkOptionsValidator().Validate(null, With([.. BrokerKeys.Documented])).Succeeded);
        Assert.Equal(17, BrokerKeys.Documented.Count);
    }

    [Theory]
    [InlineData("zerodha")]
    [InlineData("Kite")]
    [InlineData("kite-leprechaun")]
    [InlineData("")]
    public void UnknownBroker_FailsNamingIt(string broker)
    {
        var result = new SdkOptionsValidator().Validate(null, With("kite", broker));

        Assert.True(result.Failed);
        Assert.Contains($"'{broker}'", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateBroker_Fails()
    {
        var result = new SdkOptionsValidator().Validate(null, With("kite", "groww", "kite"));

        Assert.True(result.Failed);
        Assert.Contains("more than once", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void UndefinedEnvironment_Fails()
    {
        var result = new SdkOptionsValidator().Validate(null, new SdkOptions { Environment = (SdkEnvironment)7 });

        Assert.True(result.Failed);
        Assert.Contains("Environment", result.FailureMessage, StringComparison.Ordinal);
    }
}
