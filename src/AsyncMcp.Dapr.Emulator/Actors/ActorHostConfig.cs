using System.Text.Json;

namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>
/// What an app answers on GET /dapr/config (dapr/dapr pkg/config/app_configuration.go ApplicationConfig): the actor
/// types it hosts and their settings, with daprd's defaults (pkg/actors/config.go: idle timeout 60 min, scan interval
/// 30 s, drain timeout 60 s, drain rebalanced actors on). Per-type entitiesConfig overrides the idle timeout.
/// </summary>
internal sealed record ActorHostConfig(
    IReadOnlyList<string> Entities,
    TimeSpan IdleTimeout,
    TimeSpan ScanInterval,
    TimeSpan DrainOngoingCallTimeout,
    bool DrainRebalancedActors,
    bool Reentrancy,
    int RemindersStoragePartitions,
    IReadOnlyDictionary<string, TimeSpan> IdleTimeoutPerType)
{
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(60);
    public static readonly TimeSpan DefaultScanInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The idle timeout of <paramref name="actorType"/>.</summary>
    public TimeSpan IdleTimeoutOf(string actorType) => IdleTimeoutPerType.GetValueOrDefault(actorType, IdleTimeout);

    public static ActorHostConfig Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var entities = Strings(root, "entities");
        var perType = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        if (Property(root, "entitiesConfig") is { ValueKind: JsonValueKind.Array } configs)
        {
            foreach (var config in configs.EnumerateArray())
            {
                if (Duration(config, "actorIdleTimeout") is { } idle)
                {
                    foreach (var entity in Strings(config, "entities"))
                    {
                        perType[entity] = idle;
                    }
                }
            }
        }

        var reentrancy = Property(root, "reentrancy") is { ValueKind: JsonValueKind.Object } r
            && Property(r, "enabled") is { ValueKind: JsonValueKind.True };
        return new ActorHostConfig(
            entities,
            Duration(root, "actorIdleTimeout") ?? DefaultIdleTimeout,
            Duration(root, "actorScanInterval") ?? DefaultScanInterval,
            Duration(root, "drainOngoingCallTimeout") ?? DefaultDrainTimeout,
            Property(root, "drainRebalancedActors") is not { ValueKind: JsonValueKind.False },
            reentrancy,
            Property(root, "remindersStoragePartitions") is { ValueKind: JsonValueKind.Number } p ? p.GetInt32() : 0,
            perType);
    }

    // Go's encoding/json matches field names without regard to case.
    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static List<string> Strings(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];

    private static TimeSpan? Duration(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value && DaprDuration.TryParse(value.GetString(), out var span, out _) && span > TimeSpan.Zero
            ? span
            : null;
}
