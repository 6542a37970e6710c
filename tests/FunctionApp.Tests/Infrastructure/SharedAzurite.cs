using TestSupport;

namespace FunctionApp.Tests.Infrastructure;

/// <summary>One Azurite for the whole assembly; each app harness isolates itself with a table/queue name prefix.</summary>
[CollectionDefinition(Name)]
public sealed class SharedAzurite : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
