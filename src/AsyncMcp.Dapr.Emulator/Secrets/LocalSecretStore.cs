using System.Text.Json;
using AsyncMcp.Dapr.Emulator.Components;

namespace AsyncMcp.Dapr.Emulator.Secrets;

/// <summary>
/// The local secret stores: <c>secretstores.local.file</c> (a JSON file, <c>secretsFile</c>; nested objects flattened
/// with <c>nestedSeparator</c>, default ':'; components-contrib secretstores/local/file/filestore.go) and
/// <c>secretstores.local.env</c> (environment variables; secretstores/local/env/envstore.go: the secret <c>NAME</c> is the
/// variable <c>{prefix}NAME</c>, and <c>APP_API_TOKEN</c> and <c>DAPR_*</c> are never given out, as an empty value).
/// </summary>
internal static class LocalSecretStore
{
    /// <summary>Reads one secret: a map with the key as its only entry.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such secret.</exception>
    public static IReadOnlyDictionary<string, string> Get(ComponentSpec store, string key)
    {
        if (store.Type == "secretstores.local.env")
        {
            var name = store.Property("prefix") + key;
            return new Dictionary<string, string> { [key] = IsEnvironmentKeyAllowed(name) ? Environment.GetEnvironmentVariable(name) ?? string.Empty : string.Empty };
        }

        var file = store.Property("secretsFile") ?? throw new InvalidOperationException("missing local secrets file in metadata");
        var separator = store.Property("nestedSeparator") is { Length: > 0 } s ? s : ":";
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var document = JsonDocument.Parse(File.ReadAllBytes(file)))
        {
            Flatten(document.RootElement, prefix: null, separator, secrets);
        }

        return secrets.TryGetValue(key, out var value)
            ? new Dictionary<string, string> { [key] = value }
            : throw new KeyNotFoundException($"secret {key} not found");
    }

    // The sidecar's own token and settings are not secrets of the app (envstore.go, isKeyAllowed).
    private static bool IsEnvironmentKeyAllowed(string name) =>
        !string.Equals(name, "APP_API_TOKEN", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("DAPR_", StringComparison.OrdinalIgnoreCase);

    private static void Flatten(JsonElement element, string? prefix, string separator, Dictionary<string, string> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix is null ? property.Name : prefix + separator + property.Name, separator, into);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, (prefix ?? string.Empty) + separator + index++, separator, into);
                }

                break;
            default:
                if (prefix is not null)
                {
                    into[prefix] = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
                }

                break;
        }
    }
}
