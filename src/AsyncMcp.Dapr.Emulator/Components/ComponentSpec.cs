namespace AsyncMcp.Dapr.Emulator.Components;

/// <summary>A Dapr component as declared (YAML or code).</summary>
internal sealed record ComponentSpec(
    string Name,
    string Type,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<string> Scopes,
    string Source)
{
    /// <summary>Whether this is a pub/sub component.</summary>
    public bool IsPubSub => Type.StartsWith("pubsub.", StringComparison.Ordinal);

    /// <summary>Whether this is a state store component.</summary>
    public bool IsStateStore => Type.StartsWith("state.", StringComparison.Ordinal);

    /// <summary>Whether this is an output binding component.</summary>
    public bool IsBinding => Type.StartsWith("bindings.", StringComparison.Ordinal);

    /// <summary>Whether this is a secret store component.</summary>
    public bool IsSecretStore => Type.StartsWith("secretstores.", StringComparison.Ordinal);

    /// <summary>A metadata value by name, matched without regard to case as daprd's metadata decoding does.</summary>
    public string? Property(string name) =>
        Metadata.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>
    /// Components with scopes are loaded only by the listed app-ids (dapr/dapr pkg/runtime/processor: component scopes).
    /// </summary>
    public bool IsVisibleTo(string appId) => Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);
}
