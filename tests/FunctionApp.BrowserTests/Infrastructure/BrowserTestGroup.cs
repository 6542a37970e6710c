using TestSupport;

namespace FunctionApp.BrowserTests.Infrastructure;

/// <summary>One Azurite and one Playwright driver for the assembly; every test starts its own app and browser.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTestGroup : ICollectionFixture<AzuriteFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
