using Azure;
using Gateway.Client.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using TestSupport;

namespace Transactions.Storage.Tests;

public sealed class GatewaySecretsTests
{
    private readonly FakeSecretClient _vault = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger<KeyVaultGatewaySecrets> _logger = new();

    public GatewaySecretsTests()
    {
        _vault.Set(KeyVaultGatewaySecrets.SecretName, "jwt-secret-1");
        _vault.Set(KeyVaultGatewaySecrets.ApiSecretName, "api-secret-1");
    }

    private KeyVaultGatewaySecrets Source() => new(_vault, _time, _logger)
    {
        RefreshInterval = TimeSpan.FromMinutes(5),
        RetryAfterFailure = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task GetAsync_FirstCall_LoadsAllThreeSecrets()
    {
        _vault.Set(KeyVaultGatewaySecrets.PreviousApiSecretName, "api-secret-0");

        var secrets = await Source().GetAsync(CancellationToken.None);

        Assert.Equal(new GatewaySecrets("jwt-secret-1", "api-secret-1", "api-secret-0"), secrets);
    }

    [Fact]
    public async Task GetAsync_PreviousApiSecretDisabledAfterRotation_LeavesItNull()
    {
        _vault.Set(KeyVaultGatewaySecrets.PreviousApiSecretName, "api-secret-0");
        _vault.Disable(KeyVaultGatewaySecrets.PreviousApiSecretName);

        var secrets = await Source().GetAsync(CancellationToken.None);

        Assert.Null(secrets.PreviousApiSecret);
        Assert.Equal(["api-secret-1"], secrets.WebhookKeys);
    }

    [Fact]
    public async Task GetAsync_NoPreviousApiSecret_LeavesItNull()
    {
        var secrets = await Source().GetAsync(CancellationToken.None);

        Assert.Null(secrets.PreviousApiSecret);
        Assert.Equal(["api-secret-1"], secrets.WebhookKeys);
    }

    [Fact]
    public async Task GetAsync_WithinRefreshInterval_ServesTheCacheWithoutReadingTheVault()
    {
        var source = Source();
        await source.GetAsync(CancellationToken.None);
        var readsAfterLoad = _vault.Reads;
        _vault.Set(KeyVaultGatewaySecrets.ApiSecretName, "api-secret-2");
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));

        var secrets = await source.GetAsync(CancellationToken.None);

        Assert.Equal("api-secret-1", secrets.ApiSecret);
        Assert.Equal(readsAfterLoad, _vault.Reads);
    }

    [Fact]
    public async Task GetAsync_AfterRefreshInterval_PicksUpARotatedSecret()
    {
        var source = Source();
        await source.GetAsync(CancellationToken.None);
        _vault.Set(KeyVaultGatewaySecrets.ApiSecretName, "api-secret-2");
        _vault.Set(KeyVaultGatewaySecrets.PreviousApiSecretName, "api-secret-1");
        _time.Advance(TimeSpan.FromMinutes(5));

        var secrets = await source.GetAsync(CancellationToken.None);

        Assert.Equal(new GatewaySecrets("jwt-secret-1", "api-secret-2", "api-secret-1"), secrets);
    }

    [Fact]
    public async Task GetAsync_RefreshFails_ServesCachedValuesAndWarnsWithoutThem()
    {
        var source = Source();
        await source.GetAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(6));
        _vault.Failure = new RequestFailedException(503, "Service Unavailable");

        var secrets = await source.GetAsync(CancellationToken.None);

        Assert.Equal("api-secret-1", secrets.ApiSecret);
        var warning = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Equal(8131, warning.Id.Id);
        Assert.All(_logger.Collector.GetSnapshot(), r =>
        {
            Assert.DoesNotContain("secret-1", r.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-1", r.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task GetAsync_AfterAFailedRefresh_RetriesAfterTheBackoffNotOnEveryCall()
    {
        var source = Source();
        await source.GetAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(6));
        _vault.Failure = new RequestFailedException(503, "Service Unavailable");
        await source.GetAsync(CancellationToken.None);
        var readsAfterFailure = _vault.Reads;

        await source.GetAsync(CancellationToken.None);
        _vault.Failure = null;
        _vault.Set(KeyVaultGatewaySecrets.SecretName, "jwt-secret-2");
        var beforeBackoff = await source.GetAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(30));
        var afterBackoff = await source.GetAsync(CancellationToken.None);

        Assert.Equal(readsAfterFailure, _vault.Reads - 3); // only the one refresh after the back-off read the vault
        Assert.Equal("jwt-secret-1", beforeBackoff.Secret);
        Assert.Equal("jwt-secret-2", afterBackoff.Secret);
    }

    [Fact]
    public async Task GetAsync_ConcurrentFirstCalls_LoadTheVaultOnce()
    {
        var source = Source();
        _vault.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var calls = Enumerable.Range(0, 5).Select(_ => source.GetAsync(CancellationToken.None).AsTask()).ToList();
        _vault.Gate.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal("api-secret-1", r.ApiSecret));
        Assert.Equal(3, _vault.Reads);
    }

    [Fact]
    public async Task GetAsync_WhileARefreshIsPending_ServesTheCachedCopyWithoutWaiting()
    {
        var source = Source();
        await source.GetAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(6));
        _vault.Set(KeyVaultGatewaySecrets.ApiSecretName, "api-secret-2");
        _vault.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var duringRefresh = new[] { source.GetAsync(CancellationToken.None).AsTask(), source.GetAsync(CancellationToken.None).AsTask() };

        Assert.All(duringRefresh, r => Assert.True(r.IsCompletedSuccessfully));
        Assert.All(duringRefresh, r => Assert.Equal("api-secret-1", r.Result.ApiSecret));
        _vault.Gate.SetResult();
        await Eventually.Until(
            async () => (await source.GetAsync(CancellationToken.None)).ApiSecret == "api-secret-2", TimeSpan.FromSeconds(10));
        Assert.Equal(6, _vault.Reads); // the initial load and exactly one refresh
    }

    [Fact]
    public async Task GetAsync_NeverLoaded_FailsClearlyEveryTimeUntilTheVaultAnswers()
    {
        var source = Source();
        _vault.Failure = new RequestFailedException(403, "Forbidden");

        var first = await Assert.ThrowsAsync<GatewaySecretsUnavailableException>(() => source.GetAsync(CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<GatewaySecretsUnavailableException>(() => source.GetAsync(CancellationToken.None).AsTask());
        _vault.Failure = null;
        var secrets = await source.GetAsync(CancellationToken.None);

        Assert.Contains(FakeSecretClient.Vault.Host, first.Message, StringComparison.Ordinal);
        Assert.IsType<RequestFailedException>(first.InnerException);
        Assert.Equal("api-secret-1", secrets.ApiSecret);
    }

    [Fact]
    public async Task GetAsync_RequiredSecretMissing_Fails()
    {
        _vault.Remove(KeyVaultGatewaySecrets.ApiSecretName);

        await Assert.ThrowsAsync<GatewaySecretsUnavailableException>(() => Source().GetAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task GetAsync_RequiredSecretEmpty_Fails()
    {
        _vault.Set(KeyVaultGatewaySecrets.SecretName, string.Empty);

        var error = await Assert.ThrowsAsync<GatewaySecretsUnavailableException>(() => Source().GetAsync(CancellationToken.None).AsTask());

        Assert.Contains(KeyVaultGatewaySecrets.SecretName, error.InnerException?.Message ?? error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredGatewaySecrets_ReadsTheGatewaySettings()
    {
        var configuration = Configuration(new()
        {
            ["Gateway:Secret"] = "s",
            ["Gateway:ApiSecret"] = "a",
            ["Gateway:PreviousApiSecret"] = "p",
        });

        var secrets = await new ConfiguredGatewaySecrets(configuration).GetAsync(CancellationToken.None);

        Assert.Equal(new GatewaySecrets("s", "a", "p"), secrets);
    }

    [Fact]
    public void AddGatewaySecrets_KeyVaultUriSet_UsesKeyVault()
    {
        var source = Resolve(new() { ["KeyVault:Uri"] = "https://vault-name.vault.azure.net/", ["Gateway:Secret"] = "ignored" });

        Assert.IsType<KeyVaultGatewaySecrets>(source);
    }

    [Fact]
    public void AddGatewaySecrets_OnlyLocalSettings_UsesThem()
    {
        var source = Resolve(new() { ["Gateway:Secret"] = "s", ["Gateway:ApiSecret"] = "a" });

        Assert.IsType<ConfiguredGatewaySecrets>(source);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("s", null)]
    [InlineData(null, "a")]
    public void AddGatewaySecrets_NeitherSourceComplete_FailsAtStart(string? secret, string? apiSecret)
    {
        var configuration = Configuration(new() { ["Gateway:Secret"] = secret, ["Gateway:ApiSecret"] = apiSecret });

        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddGatewaySecrets(configuration));
    }

    private static IGatewaySecretSource Resolve(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddGatewaySecrets(Configuration(settings));
        return services.BuildServiceProvider().GetRequiredService<IGatewaySecretSource>();
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
