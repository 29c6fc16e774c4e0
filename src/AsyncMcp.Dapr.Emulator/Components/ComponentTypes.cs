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
    };

    // Types a resources folder such as components/local declares but the emulator does not serve (yet): they are
    // accepted and logged, so the real component files load; calls to them are not answered.
    private static readonly HashSet<string> DeclaredOnly = new(StringComparer.Ordinal)
    {
        "bindings.http",
        "secretstores.local.env",
        "secretstores.local.file",
    };

    /// <summary>Whether the emulator serves <paramref name="type"/> (rather than only accepting its declaration).</summary>
    public static bool IsEmulated(string type) => Supported.Contains(type);

    /// <summary>Throws when <paramref name="spec"/> has a type the emulator neither emulates nor accepts.</summary>
    public static void EnsureSupported(ComponentSpec spec)
    {
        if (!Supported.Contains(spec.Type) && !DeclaredOnly.Contains(spec.Type))
        {
            throw new NotSupportedException(
                $"Component '{spec.Name}' in {spec.Source} has type '{spec.Type}', which the Dapr emulator does not support. " +
                $"Supported types: {string.Join(", ", Supported.Order(StringComparer.Ordinal))}.");
        }
    }
}
