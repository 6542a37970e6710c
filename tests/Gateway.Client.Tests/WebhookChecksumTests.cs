using Gateway.Client.Webhooks;

namespace Gateway.Client.Tests;

public sealed class WebhookChecksumTests
{
    private static readonly IReadOnlyDictionary<string, string> Vector = KnownAnswerVectors.Read("webhook-checksum.txt");

    [Fact]
    public void Sign_KnownAnswerVector_MatchesKnownAnswer()
    {
        var checksum = WebhookChecksum.Sign(Vector["api_secret"], Vector["timestamp"], Vector["smallcaseAuthId"]);

        Assert.Equal(Vector["checksum"], checksum);
    }

    [Fact]
    public void Verify_KnownAnswerVector_Succeeds()
    {
        var result = WebhookChecksum.Verify(Vector["checksum"], Vector["timestamp"], Vector["smallcaseAuthId"], [Vector["api_secret"]]);

        Assert.Equal(ChecksumFailure.None, result);
    }

    [Theory]
    [InlineData("timestamp")]
    [InlineData("smallcaseAuthId")]
    [InlineData("checksum")]
    [InlineData("api_secret")]
    public void Verify_AnyFieldTampered_IsMismatch(string field)
    {
        var values = new Dictionary<string, string>(Vector, StringComparer.Ordinal);
        var original = values[field];
        values[field] = original[..^1] + (original[^1] == '0' ? '1' : '0');

        var result = WebhookChecksum.Verify(values["checksum"], values["timestamp"], values["smallcaseAuthId"], [values["api_secret"]]);

        Assert.Equal(ChecksumFailure.Mismatch, result);
    }

    [Fact]
    public void Verify_UpperCaseHex_IsAccepted()
    {
        var result = WebhookChecksum.Verify(Vector["checksum"].ToUpperInvariant(), Vector["timestamp"], Vector["smallcaseAuthId"], [Vector["api_secret"]]);

        Assert.Equal(ChecksumFailure.None, result);
    }

    [Fact]
    public void Verify_PreviousSecretDuringRotation_IsAccepted()
    {
        var result = WebhookChecksum.Verify(Vector["checksum"], Vector["timestamp"], Vector["smallcaseAuthId"], ["the-new-secret", Vector["api_secret"]]);

        Assert.Equal(ChecksumFailure.None, result);
    }

    [Theory]
    [InlineData(null, "t", "a", ChecksumFailure.MissingChecksum)]
    [InlineData("00", null, "a", ChecksumFailure.MissingTimestamp)]
    [InlineData("00", "t", "", ChecksumFailure.MissingSmallcaseAuthId)]
    public void Verify_MissingField_ReportsWhich(string? checksum, string? timestamp, string? authId, ChecksumFailure expected)
    {
        Assert.Equal(expected, WebhookChecksum.Verify(checksum, timestamp, authId, ["secret"]));
    }
}
