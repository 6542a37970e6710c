namespace Gateway.Client.Tests;

/// <summary>Reads the known-answer vectors kept beside the repository in <c>shared/vectors</c>.</summary>
internal static class SharedVectors
{
    public static IReadOnlyDictionary<string, string> Read(string fileName)
    {
        var path = Locate(fileName);
        return File.ReadAllLines(path)
            .Where(line => line.Contains('=', StringComparison.Ordinal))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.Ordinal);
    }

    private static string Locate(string fileName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "vectors", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"shared/vectors/{fileName} was not found above {AppContext.BaseDirectory}.");
    }
}
