namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// The active signing secrets of one webhook route: Standard Webhooks secrets, <c>whsec_</c> followed by base64
/// (the prefix may be left out). Several are active during a rotation.
/// </summary>
internal sealed class WebhookSecrets
{
    private const string Prefix = "whsec_";

    private WebhookSecrets(IReadOnlyList<byte[]> keys) => Keys = keys;

    /// <summary>The decoded keys, in the order given.</summary>
    public IReadOnlyList<byte[]> Keys { get; }

    /// <summary>Parses secrets separated by spaces, commas or new lines, e.g. the value of a Dapr secret.</summary>
    /// <exception cref="FormatException">A secret is not base64, or no secret is given.</exception>
    public static WebhookSecrets Parse(IEnumerable<string?> values)
    {
        var keys = new List<byte[]>();
        foreach (var value in values)
        {
            foreach (var secret in (value ?? string.Empty).Split([' ', ',', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                var encoded = secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret;
                byte[] key;
                try
                {
                    key = Convert.FromBase64String(encoded);
                }
                catch (FormatException)
                {
                    // Never echo the secret itself.
                    throw new FormatException($"A webhook secret is not '{Prefix}' followed by base64.");
                }

                if (key.Length == 0)
                {
                    throw new FormatException("A webhook secret is empty.");
                }

                keys.Add(key);
            }
        }

        return keys.Count == 0 ? throw new FormatException("No webhook secret is configured.") : new WebhookSecrets(keys);
    }

    /// <summary>Parses one value that may hold several secrets.</summary>
    public static WebhookSecrets Parse(string value) => Parse([value]);
}
