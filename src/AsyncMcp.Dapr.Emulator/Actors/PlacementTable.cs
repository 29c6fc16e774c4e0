namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>
/// One version of the placement tables: the live hosts and one ring per actor type. Never changed once built: a host
/// that joins or leaves makes a new version, so that every lookup reads its version without a lock and lookups of
/// different actors never wait for each other (dapr/dapr pkg/actors/internal/placement/placement.go: LookupActor reads
/// the hash table under a shared lookup lock, and a dissemination from the placement service swaps the table).
/// </summary>
internal sealed class PlacementTable
{
    private readonly Dictionary<string, ActorHost> _hosts;
    private readonly Dictionary<string, ConsistentHashRing> _rings;

    private PlacementTable(Dictionary<string, ActorHost> hosts, Dictionary<string, ConsistentHashRing> rings)
    {
        _hosts = hosts;
        _rings = rings;
    }

    /// <summary>No host, no actor type.</summary>
    public static PlacementTable Empty { get; } = new(new(StringComparer.Ordinal), new(StringComparer.Ordinal));

    public IEnumerable<ActorHost> Hosts => _hosts.Values;

    /// <summary>The host that owns the actor, or null when no live host has its type.</summary>
    public ActorHost? Owner(string actorType, string actorId) =>
        _rings.TryGetValue(actorType, out var ring) && ring.Get(actorId) is { } name ? _hosts.GetValueOrDefault(name) : null;

    /// <summary>The host with this placement name, or null.</summary>
    public ActorHost? Host(string name) => _hosts.GetValueOrDefault(name);

    /// <summary>This table with <paramref name="host"/> added to the ring of each of its types.</summary>
    public PlacementTable With(ActorHost host)
    {
        var hosts = new Dictionary<string, ActorHost>(_hosts, StringComparer.Ordinal) { [host.Name] = host };
        return new PlacementTable(hosts, Rings(hosts.Values));
    }

    /// <summary>This table without <paramref name="host"/>.</summary>
    public PlacementTable Without(ActorHost host)
    {
        var hosts = new Dictionary<string, ActorHost>(_hosts, StringComparer.Ordinal);
        hosts.Remove(host.Name);
        return new PlacementTable(hosts, Rings(hosts.Values));
    }

    // Rings are rebuilt from the hosts rather than copied: a join or a leave is rare, a lookup is every call.
    private static Dictionary<string, ConsistentHashRing> Rings(IEnumerable<ActorHost> hosts)
    {
        var rings = new Dictionary<string, ConsistentHashRing>(StringComparer.Ordinal);
        foreach (var host in hosts)
        {
            foreach (var type in host.Config.Entities)
            {
                if (!rings.TryGetValue(type, out var ring))
                {
                    rings[type] = ring = new ConsistentHashRing();
                }

                ring.Add(host.Name);
            }
        }

        return rings;
    }
}
