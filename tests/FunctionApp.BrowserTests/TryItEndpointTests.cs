using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FunctionApp.BrowserTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using TestSupport;

namespace FunctionApp.BrowserTests;

/// <summary>The try-it page's development endpoints over HTTP, and when the app serves them at all.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class TryItEndpointTests(AzuriteFixture azurite)
{
    [Fact]
    public void Build_EnabledWithGatewayBaseUrl_Refuses()
    {
        var settings = TryItApp.Settings(azurite, TryItApp.MarketHours, new Dictionary<string, string?> { ["Gateway:BaseUrl"] = "https://gateway.example.test/" });

        var error = Assert.Throws<InvalidOperationException>(() =>
            LocalHost.LocalHostBuilder.Build([], builder => builder.Configuration.AddInMemoryCollection(settings)));

        Assert.Contains("TryIt:Enabled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_NotEnabled_IsNotServed()
    {
        await using var app = await TryItApp.StartAsync(azurite, TryItApp.MarketHours, new Dictionary<string, string?> { ["TryIt:Enabled"] = null });
        using var client = app.Client();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/try/", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/try/api/session", new { userName = "asha" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/try/sim/_sim/clock", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Page_Enabled_ServedWithStrictContentSecurityPolicy()
    {
        await using var app = await TryItApp.StartAsync(azurite, TryItApp.MarketHours);
        using var client = app.Client();

        using var page = await client.GetAsync(new Uri("/try/", UriKind.Relative));
        using var script = await client.GetAsync(new Uri("/try/app.js", UriKind.Relative));
        using var missing = await client.GetAsync(new Uri("/try/secrets.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Session_ValidName_MintsATokenTheApiAccepts()
    {
        await using var app = await TryItApp.StartAsync(azurite, TryItApp.MarketHours);
        using var client = app.Client();

        using var response = await client.PostAsJsonAsync("/try/api/session", new { userName = "asha" });
        var session = await response.Content.ReadFromJsonAsync<JsonElement>();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/transactions");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
        using var transactions = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("asha", session.GetProperty("userId").GetString());
        Assert.Equal(HttpStatusCode.OK, transactions.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("-starts-with-a-dash")]
    [InlineData("a-name-that-is-longer-than-forty-characters")]
    public async Task Session_MalformedName_IsAFieldError(string userName)
    {
        await using var app = await TryItApp.StartAsync(azurite, TryItApp.MarketHours);
        using var client = app.Client();

        using var response = await client.PostAsJsonAsync("/try/api/session", new { userName });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("userName", out _));
    }

    [Fact]
    public async Task Config_ListsTheSimulatorsBrokersAndMarketState()
    {
        await using var app = await TryItApp.StartAsync(azurite, TryItApp.AfterHours);
        using var client = app.Client();

        var config = await client.GetFromJsonAsync<JsonElement>("/try/api/config");

        Assert.Equal(app.Simulator.BaseUri, new Uri(config.GetProperty("simulatorUrl").GetString()!));
        Assert.Equal(app.Simulator.Options.Brokers, config.GetProperty("brokers").EnumerateArray().Select(b => b.GetString()));
        Assert.False(config.GetProperty("marketOpen").GetBoolean());
        Assert.StartsWith("2026-11-25T18:0", config.GetProperty("clock").GetProperty("nowIst").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SimulatorProxy_OnlySdkStepsAndTheClock_AreForwarded()
    {
        await using var app = await TryItApp.StartAsync(azurite, TryItApp.MarketHours);
        using var client = app.Client();

        using var clock = await client.GetAsync(new Uri("/try/sim/_sim/clock", UriKind.Relative));
        using var step = await client.PostAsJsonAsync("/try/sim/_sdk/transactions/TRX_0123456789abcdef0123456789abcdef/open", new { });
        using var reset = await client.PostAsync(new Uri("/try/sim/_sim/reset", UriKind.Relative), null);
        using var scenarios = await client.PostAsJsonAsync("/try/sim/_sim/scenarios", new { });
        using var unknownStep = await client.PostAsJsonAsync("/try/sim/_sdk/transactions/TRX_0123456789abcdef0123456789abcdef/delete", new { });
        using var badId = await client.PostAsJsonAsync("/try/sim/_sdk/transactions/not-an-id/open", new { });

        Assert.Equal(HttpStatusCode.OK, clock.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, step.StatusCode); // reached the simulator, which wants the SDK's auth token
        Assert.Equal(HttpStatusCode.NotFound, reset.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, scenarios.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownStep.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, badId.StatusCode);
    }
}
