using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Transactions.Storage.Tests;

public sealed class StorageOptionsTests
{
    [Fact]
    public void FromConfiguration_ConnectionString_UsesIt()
    {
        var options = StorageOptions.FromConfiguration(Configuration(new()
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Storage:NamePrefix"] = "dev1",
        }));

        Assert.Equal("UseDevelopmentStorage=true", options.ConnectionString);
        Assert.Equal("dev1", options.NamePrefix);
        Assert.Null(options.Credential);
    }

    [Fact]
    public void FromConfiguration_IdentityBasedServiceUris_UsesThemWithACredential()
    {
        // Environment variables AzureWebJobsStorage__tableServiceUri etc. arrive as "AzureWebJobsStorage:tableServiceUri".
        var options = StorageOptions.FromConfiguration(Configuration(new()
        {
            ["AzureWebJobsStorage:tableServiceUri"] = "https://acct.table.core.windows.net",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://acct.queue.core.windows.net",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        }));

        Assert.Null(options.ConnectionString);
        Assert.Equal(new Uri("https://acct.table.core.windows.net"), options.TableServiceUri);
        Assert.Equal(new Uri("https://acct.queue.core.windows.net"), options.QueueServiceUri);
        Assert.NotNull(options.Credential);
        options.Validate();
    }

    [Fact]
    public void FromConfiguration_AccountNameOnly_DerivesTheServiceUris()
    {
        var options = StorageOptions.FromConfiguration(Configuration(new() { ["AzureWebJobsStorage:accountName"] = "acct" }));

        Assert.Equal(new Uri("https://acct.table.core.windows.net"), options.TableServiceUri);
        Assert.Equal(new Uri("https://acct.queue.core.windows.net"), options.QueueServiceUri);
    }

    [Fact]
    public void FromConfiguration_CreateMissingResourcesNotSet_CreatesThem()
    {
        var options = StorageOptions.FromConfiguration(Configuration(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }));

        Assert.True(options.CreateMissingResources);
    }

    [Theory]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("true", true)]
    public void FromConfiguration_CreateMissingResources_ReadsIt(string value, bool expected)
    {
        var options = StorageOptions.FromConfiguration(Configuration(new()
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Storage:CreateMissingResources"] = value,
        }));

        Assert.Equal(expected, options.CreateMissingResources);
    }

    [Fact]
    public void FromConfiguration_CreateMissingResourcesNotABoolean_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageOptions.FromConfiguration(Configuration(new()
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Storage:CreateMissingResources"] = "no",
        })));

        Assert.Contains("Storage:CreateMissingResources", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_NothingConfigured_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => StorageOptions.FromConfiguration(Configuration(new())));
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("1digitfirst")]
    [InlineData("has-dash")]
    [InlineData("abcdefghijklmnopqrstu")]
    public void Validate_PrefixNotValidInTableAndQueueNames_Throws(string prefix)
    {
        var options = new StorageOptions { ConnectionString = "UseDevelopmentStorage=true", NamePrefix = prefix };

        Assert.Throws<InvalidOperationException>(options.Validate);
    }

    [Fact]
    public void AddTransactionStorage_RegistersEveryStore()
    {
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddTransactionStorage(
            Configuration(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }),
            options => options.NamePrefix = "app1");
        using var provider = services.BuildServiceProvider();

        Assert.Equal("app1", provider.GetRequiredService<StorageClients>().NamePrefix);
        Assert.NotNull(provider.GetRequiredService<StorageInitializer>());
        Assert.NotNull(provider.GetRequiredService<TransactionStore>());
        Assert.NotNull(provider.GetRequiredService<NotesRefStore>());
        Assert.NotNull(provider.GetRequiredService<UserLinkStore>());
        Assert.NotNull(provider.GetRequiredService<OutboxStore>());
        Assert.NotNull(provider.GetRequiredService<IdempotencyStore>());
        Assert.NotNull(provider.GetRequiredService<OutboxStore>());
        Assert.NotNull(provider.GetRequiredService<StorageQueues>());
    }

    [Fact]
    public void AddTransactionStorage_NotConfigured_FailsAtRegistration()
    {
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddTransactionStorage(Configuration(new())));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
