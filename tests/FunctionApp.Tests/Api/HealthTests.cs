using System.Net;
using FunctionApp.Tests.Infrastructure;
using TestSupport;

namespace FunctionApp.Tests.Api;

[Collection(SharedAzurite.Name)]
public sealed class HealthTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Health_StorageAndSecretsReachable_Returns200HealthyWithoutAToken()
    {
        await using var harness = await AppHarness.StartAsync(azurite);

        var health = (await harness.SendAsync(null, HttpMethod.Get, "/api/health")).AssertStatus(HttpStatusCode.OK).Json;

        Assert.Equal("healthy", health.Property("status"));
        Assert.Equal("ok", health.Property("storage"));
        Assert.Equal("ok", health.Property("secrets"));
    }

    [Fact]
    public async Task Health_TablesUnreachable_Returns503StorageUnavailableAndRecovers()
    {
        await using var harness = await AppHarness.StartAsync(azurite);

        harness.Tables.Disable();
        var during = await harness.SendAsync(null, HttpMethod.Get, "/api/health");
        harness.Tables.Enable();

        var health = during.AssertStatus(HttpStatusCode.ServiceUnavailable).Json;
        Assert.Equal("unhealthy", health.Property("status"));
        Assert.Equal("unavailable", health.Property("storage"));
        Assert.Equal("ok", health.Property("secrets"));
        var after = (await harness.SendAsync(null, HttpMethod.Get, "/api/health")).AssertStatus(HttpStatusCode.OK).Json;
        Assert.Equal("healthy", after.Property("status"));
    }
}
