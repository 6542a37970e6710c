namespace Gateway.Client.Tests;

/// <summary>
/// Reads the known-answer vectors kept in this project's <c>Vectors</c> folder, copied beside the test assembly.
/// Nothing outside the build output is searched, so a clone of the repository is enough.
/// </summary>
internal static class KnownAnswerVectors
{
    public static IReadOnlyDictionary<string, string> Read(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Vectors", fileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Vectors/{fileName} was not found beside the test assembly in {AppContext.BaseDirectory}.", path);
        }

        return File.ReadAllLines(path)
            .Where(line => line.Contains('=', StringComparison.Ordinal))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.Ordinal);
    }
}
