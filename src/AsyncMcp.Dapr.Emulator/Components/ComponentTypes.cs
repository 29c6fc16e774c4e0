namespace AsyncMcp.Dapr.Emulator.Components;

/// <summary>The component types the emulator can stand in for.</summary>
internal static class ComponentTypes
{
    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "pubsub.in-memory",
        "pubsub.redis",
        "pubsub.aws.snssqs",
        "state.in-memory",
        "state.redis",
        "state.aws.dynamodb",
        "bindings.http",
        "secretstores.local.file",
        "secretstores.local.env",
    };

    /// <summary>Throws when <paramref name="spec"/> has a type the emulator does not emulate.</summary>
    public static void EnsureSupported(ComponentSpec spec)
    {
        if (!Supported.Contains(spec.Type))
        {
            throw new NotSupportedException(
                $"Component '{spec.Name}' in {spec.Source} has type '{spec.Type}', which the Dapr emulator does not support. " +
                $"Supported types: {string.Join(", ", Supported.Order(StringComparer.Ordinal))}.");
        }
    }
}
