using Gateway.Client.Http;

namespace Gateway.Client.Tests.Http;

public sealed class GatewayOptionsValidatorTests
{
    private static readonly GatewayOptionsValidator Validator = new();

    private static GatewayOptions Valid() => new() { BaseUrl = new Uri("https://gatewayapi.smallcase.com"), GatewayName = "acme_fin-01" };

    [Theory]
    [InlineData("https://gatewayapi.smallcase.com")]
    [InlineData("https://gatewayapi.stag.smallcase.com/")]
    [InlineData("http://127.0.0.1:5099")]
    [InlineData("https://proxy.test/smallcase")]
    public void Validate_GoodBaseUrl_Succeeds(string url)
    {
        var options = Valid();
        options.BaseUrl = new Uri(url);

        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("ftp://gateway.test")]
    [InlineData("/relative/path")]
    [InlineData("https://gateway.test/?x=1")]
    [InlineData("https://gateway.test/#top")]
    [InlineData("https://user:pass@gateway.test/")]
    public void Validate_BadBaseUrl_Fails(string url)
    {
        var options = Valid();
        options.BaseUrl = new Uri(url, UriKind.RelativeOrAbsolute);

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("BaseUrl", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingBaseUrl_Fails() =>
        Assert.True(Validator.Validate(null, new GatewayOptions { GatewayName = "acme" }).Failed);

    [Theory]
    [InlineData("")]
    [InlineData("acme fin")]
    [InlineData("acme/fin")]
    [InlineData("acme?x")]
    [InlineData("acme\n")]
    [InlineData("açme")]
    public void Validate_BadGatewayName_Fails(string name)
    {
        var options = Valid();
        options.GatewayName = name;

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("GatewayName", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 30_000)]
    [InlineData(-1, 30_000)]
    [InlineData(5, 30_000)]
    [InlineData(10_000, 0)]
    [InlineData(10_000, 5_000)]
    public void Validate_BadTimeouts_Fail(int attemptMs, int overallMs)
    {
        var options = Valid();
        options.AttemptTimeout = TimeSpan.FromMilliseconds(attemptMs);
        options.OverallTimeout = TimeSpan.FromMilliseconds(overallMs);

        Assert.True(Validator.Validate(null, options).Failed);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void Validate_RetriesOutOfRange_Fail(int retries)
    {
        var options = Valid();
        options.MaxGetRetries = retries;

        Assert.True(Validator.Validate(null, options).Failed);
    }

    [Fact]
    public void Validate_NegativeRetryDelay_Fails()
    {
        var options = Valid();
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(-1);

        Assert.True(Validator.Validate(null, options).Failed);
    }

    [Fact]
    public void Validate_DefaultsWithUrlAndName_Succeed()
    {
        var options = Valid();
        options.MaxGetRetries = 0;
        options.RetryBaseDelay = TimeSpan.Zero;

        Assert.True(Validator.Validate(null, options).Succeeded);
        Assert.True(Validator.Validate(null, Valid()).Succeeded);
    }
}
