using System.Text.Json;
using Azure.Core;
using Microsoft.AspNetCore.WebUtilities;

namespace Bench.Counting;

/// <summary>What a table read asked for and what it returned.</summary>
public static class TableReads
{
    /// <summary>
    /// A query whose filter has no condition on the partition key, or that has no filter: the service reads every
    /// partition of the table. (Only the filter counts: <c>$select</c> may name PartitionKey too.)
    /// </summary>
    public static bool IsFullScan(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return !QueryHelpers.ParseQuery(uri.Query).TryGetValue("$filter", out var filter) || !filter.ToString().Contains("PartitionKey", StringComparison.Ordinal);
    }

    /// <summary>A query's entities (its <c>value</c> array), 1 for a point read, 0 for anything that is not a successful read.</summary>
    public static int Returned(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Request.Method != RequestMethod.Get || !message.HasResponse || message.Response.Status != 200)
        {
            return 0;
        }

        ReadOnlyMemory<byte> body;
        try
        {
            body = message.Response.Content.ToMemory();
        }
        catch (InvalidOperationException)
        {
            return 0; // not buffered: a streamed download, not a table read
        }

        var reader = new Utf8JsonReader(body.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return 0;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isValue = reader.ValueTextEquals("value"u8);
            reader.Read();
            if (isValue && reader.TokenType == JsonTokenType.StartArray)
            {
                var rows = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    rows++;
                    reader.Skip();
                }

                return rows;
            }

            reader.Skip();
        }

        return 1;
    }
}
