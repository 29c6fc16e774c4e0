using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// The Standard Webhooks signature: <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), one per active
/// secret, separated by spaces. Kept small on purpose; tested against the scheme's published examples.
/// </summary>
internal static class WebhookSignature
{
    private const string Version = "v1";

    /// <summary>Signs one delivery attempt with every active secret.</summary>
    public static string Sign(WebhookSecrets secrets, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var signatures = new List<string>(secrets.Keys.Count);
        foreach (var key in secrets.Keys)
        {
            signatures.Add($"{Version},{Convert.ToBase64String(Compute(key, id, timestamp, body))}");
        }

        return string.Join(' ', signatures);
    }

    /// <summary>Checks the three headers of a delivery against the active secrets and the clock.</summary>
    /// <param name="secrets">The receiver's active secrets; one matching signature is enough.</param>
    /// <param name="id">The <c>webhook-id</c> header.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header.</param>
    /// <param name="signatures">The <c>webhook-signature</c> header.</param>
    /// <param name="body">The raw body, exactly as received.</param>
    /// <param name="now">The receiver's clock.</param>
    /// <param name="tolerance">How far the timestamp may be from <paramref name="now"/>, either way.</param>
    public static WebhookVerification Verify(
        WebhookSecrets secrets, string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return WebhookVerification.MissingHeaders;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return WebhookVerification.BadTimestamp;
        }

        var skew = now.ToUnixTimeSeconds() - seconds;
        if (Math.Abs(skew) > tolerance.TotalSeconds)
        {
            return WebhookVerification.StaleTimestamp;
        }

        foreach (var key in secrets.Keys)
        {
            var expected = Compute(key, id, seconds, body);
            foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var comma = candidate.IndexOf(',', StringComparison.Ordinal);
                if (comma < 0 || !candidate.AsSpan(0, comma).SequenceEqual(Version))
                {
                    continue; // Other versions (e.g. asymmetric v1a) are not ours to check.
                }

                var decoded = new byte[expected.Length + 3];
                if (Convert.TryFromBase64String(candidate[(comma + 1)..], decoded, out var written) && written == expected.Length &&
                    CryptographicOperations.FixedTimeEquals(decoded.AsSpan(0, written), expected))
                {
                    return WebhookVerification.Valid;
                }
            }
        }

        return WebhookVerification.BadSignature;
    }

    private static byte[] Compute(byte[] key, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return HMACSHA256.HashData(key, content);
    }
}
