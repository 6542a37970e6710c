using System.Security.Cryptography;
using System.Text;

namespace Gateway.Client.Webhooks;

public enum ChecksumFailure
{
    None,
    MissingChecksum,
    MissingTimestamp,
    MissingSmallcaseAuthId,
    Mismatch,
}

/// <summary>
/// The webhook checksum: lower-case hex of HMAC-SHA256(key = API secret, message = timestamp + smallcaseAuthId).
/// Pure functions over the parsed fields, shared by the receiver, the simulator and the tests.
/// </summary>
public static class WebhookChecksum
{
    public static string Sign(string apiSecret, string timestamp, string smallcaseAuthId)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiSecret);
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(smallcaseAuthId);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiSecret), Encoding.UTF8.GetBytes(timestamp + smallcaseAuthId));
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>
    /// Verifies against each candidate secret (the current one, and the previous one during a rotation), in constant time per candidate.
    /// </summary>
    public static ChecksumFailure Verify(string? checksum, string? timestamp, string? smallcaseAuthId, IEnumerable<string> apiSecrets)
    {
        ArgumentNullException.ThrowIfNull(apiSecrets);
        if (string.IsNullOrEmpty(checksum))
        {
            return ChecksumFailure.MissingChecksum;
        }

        if (string.IsNullOrEmpty(timestamp))
        {
            return ChecksumFailure.MissingTimestamp;
        }

        if (string.IsNullOrEmpty(smallcaseAuthId))
        {
            return ChecksumFailure.MissingSmallcaseAuthId;
        }

        var received = Encoding.ASCII.GetBytes(checksum.ToLowerInvariant());
        var matched = false;
        foreach (var secret in apiSecrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                continue;
            }

            var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, smallcaseAuthId));
            matched |= CryptographicOperations.FixedTimeEquals(expected, received);
        }

        return matched ? ChecksumFailure.None : ChecksumFailure.Mismatch;
    }

    public static ChecksumFailure Verify(GatewayWebhook webhook, IEnumerable<string> apiSecrets)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return Verify(webhook.Checksum, webhook.Timestamp, webhook.SmallcaseAuthId, apiSecrets);
    }
}
