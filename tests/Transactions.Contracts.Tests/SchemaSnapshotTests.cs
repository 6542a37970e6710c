using System.Runtime.CompilerServices;

namespace Transactions.Contracts.Tests;

/// <summary>The committed schemas are the ones the records produce: a record changed without its schema fails here.</summary>
public sealed class SchemaSnapshotTests
{
    public static TheoryData<string> EventTypes => [.. OutcomeEventTypes.DataTypes.Keys];

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void CommittedSchema_MatchesTheRecords(string eventType)
    {
        var generated = OutcomeEventJson.SchemaText(eventType);
        if (Environment.GetEnvironmentVariable("UPDATE_SCHEMAS") == "1")
        {
            File.WriteAllText(Path.Combine(SchemaDirectory(), $"{eventType}.schema.json"), generated);
        }

        Assert.True(
            generated == OutcomeEventJson.CommittedSchema(eventType),
            $"The {eventType} records changed without their schema. If the change is intended (and compatible for consumers), "
            + "run UPDATE_SCHEMAS=1 dotnet test tests/Transactions.Contracts.Tests, rebuild, and commit src/Transactions.Contracts/Schemas.");
    }

    [Fact]
    public void EverySchemaFile_IsAnEventType()
    {
        var files = Directory.GetFiles(SchemaDirectory(), "*.schema.json").Select(f => Path.GetFileName(f)[..^".schema.json".Length]).Order(StringComparer.Ordinal);

        Assert.Equal(OutcomeEventTypes.DataTypes.Keys.Order(StringComparer.Ordinal), files);
    }

    private static string SchemaDirectory([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../src/Transactions.Contracts/Schemas"));
}
