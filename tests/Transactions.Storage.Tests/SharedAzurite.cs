using TestSupport;

namespace Transactions.Storage.Tests;

/// <summary>All Azurite-backed tests share one Azurite process per test run; each test isolates itself by a name prefix.</summary>
[CollectionDefinition(Name)]
public sealed class SharedAzurite : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
