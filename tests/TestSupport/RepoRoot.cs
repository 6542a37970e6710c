namespace TestSupport;

/// <summary>The repository root: the nearest folder above the test binaries that holds <c>package.json</c>.</summary>
public static class RepoRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "package.json")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder containing package.json above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }
}
