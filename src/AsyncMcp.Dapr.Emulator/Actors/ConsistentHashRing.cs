using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>
/// The placement ring of one actor type, as daprd builds it (dapr/dapr pkg/placement/hashing/consistent_hash.go):
/// each host gets <see cref="ReplicationFactor"/> virtual nodes at hash("{host}{i}"); a key belongs to the first
/// virtual node at or after hash(key), wrapping around. The hash is the first 8 bytes (little-endian) of BLAKE2b-512.
/// </summary>
internal sealed class ConsistentHashRing
{
    /// <summary>The placement service's default replication factor (--replicationFactor 100).</summary>
    public const int ReplicationFactor = 100;

    private readonly SortedDictionary<ulong, string> _nodes = [];
    private readonly HashSet<string> _hosts = new(StringComparer.Ordinal);
    private ulong[] _sorted = [];

    public IReadOnlyCollection<string> Hosts => _hosts;

    public void Add(string host)
    {
        if (!_hosts.Add(host))
        {
            return;
        }

        for (var i = 0; i < ReplicationFactor; i++)
        {
            _nodes[Hash(host + i.ToString(CultureInfo.InvariantCulture))] = host;
        }

        _sorted = [.. _nodes.Keys];
    }

    public void Remove(string host)
    {
        if (!_hosts.Remove(host))
        {
            return;
        }

        for (var i = 0; i < ReplicationFactor; i++)
        {
            _nodes.Remove(Hash(host + i.ToString(CultureInfo.InvariantCulture)));
        }

        _sorted = [.. _nodes.Keys];
    }

    /// <summary>The host that owns <paramref name="key"/>, or null when the ring is empty.</summary>
    public string? Get(string key)
    {
        if (_sorted.Length == 0)
        {
            return null;
        }

        var index = Array.BinarySearch(_sorted, Hash(key));
        if (index < 0)
        {
            index = ~index;
        }

        if (index >= _sorted.Length)
        {
            index = 0;
        }

        return _nodes[_sorted[index]];
    }

    public static ulong Hash(string key) => BinaryPrimitives.ReadUInt64LittleEndian(Blake2b.Hash512(Encoding.UTF8.GetBytes(key)));
}
