using AsyncMcp.Dapr.Emulator.Api;

namespace AsyncMcp.Dapr.Emulator.State;

/// <summary>
/// The key a state store keeps for an app's key (dapr/dapr pkg/components/state/state_config.go GetModifiedStateKey):
/// metadata keyPrefix (any case; its value lower-cased) is "appid" (default: "{appId}||{key}"), "name"
/// ("{store}||{key}"), "none" ("{key}"), "namespace" (no namespace here, so as "appid"), or any other string used
/// as the prefix. Keys may not contain "||".
/// </summary>
internal sealed class StateKeys
{
    private const string Separator = "||";
    private readonly string _strategy;
    private readonly string _storeName;

    public StateKeys(string storeName, IReadOnlyDictionary<string, string> metadata)
    {
        _storeName = storeName;
        _strategy = metadata.FirstOrDefault(p => string.Equals(p.Key, "keyPrefix", StringComparison.OrdinalIgnoreCase)).Value?.ToLowerInvariant() ?? "appid";
        if (_strategy.Length == 0)
        {
            _strategy = "appid";
        }

        if (_strategy.Contains(Separator, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"State store '{storeName}': keyPrefix '{_strategy}' can't contain '{Separator}'.");
        }
    }

    /// <summary>The stored key for <paramref name="key"/> of <paramref name="appId"/>.</summary>
    public string Modify(string key, string appId)
    {
        if (key.Contains(Separator, StringComparison.Ordinal))
        {
            throw DaprErrors.InvalidKeyName(_storeName, key, $"input key/keyPrefix '{key}' can't contain '{Separator}'");
        }

        return _strategy switch
        {
            "none" => key,
            "name" => _storeName + Separator + key,
            "appid" or "namespace" => appId.Length == 0 ? key : appId + Separator + key,
            _ => _strategy + Separator + key,
        };
    }
}
