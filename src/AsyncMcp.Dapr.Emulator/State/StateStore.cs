using System.Globalization;
using AsyncMcp.Dapr.Emulator.Components;

namespace AsyncMcp.Dapr.Emulator.State;

/// <summary>
/// One in-memory state store standing in for state.in-memory, state.redis or state.aws.dynamodb.
/// ETags are versions (1, 2, ...) raised on every write. ETag checks follow components-contrib
/// state/in-memory: an ETag given for a missing key, or different from the stored one, is a mismatch;
/// first-write concurrency without an ETag fails on an existing key. Transactions check every operation
/// before applying any.
/// </summary>
internal sealed class StateStore
{
    private readonly Dictionary<string, StateItem> _items = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _writes;

    public StateStore(ComponentSpec spec)
    {
        Spec = spec;
        Keys = new StateKeys(spec.Name, spec.Metadata);
    }

    /// <summary>The component.</summary>
    public ComponentSpec Spec { get; }

    /// <summary>The key prefix strategy.</summary>
    public StateKeys Keys { get; }

    /// <summary>Operations (sets and deletes) applied since the store was created: what a benchmark counts per call.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>How many keys <paramref name="match"/> accepts, and the bytes of their keys and values.</summary>
    public (int Keys, long Bytes) Size(Func<string, bool> match)
    {
        lock (_gate)
        {
            var keys = 0;
            long bytes = 0;
            foreach (var (key, item) in _items)
            {
                if (match(key))
                {
                    keys++;
                    bytes += System.Text.Encoding.UTF8.GetByteCount(key) + item.Value.Length;
                }
            }

            return (keys, bytes);
        }
    }

    /// <summary>The item stored at <paramref name="storedKey"/>, or null.</summary>
    public StateItem? Get(string storedKey)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(storedKey);
        }
    }

    /// <summary>The stored keys that start with <paramref name="prefix"/> and end with <paramref name="suffix"/>, in ordinal order
    /// (what components-contrib's KeysLike answers for "prefix%suffix").</summary>
    public IReadOnlyList<string> KeysLike(string prefix, string suffix)
    {
        lock (_gate)
        {
            return _items.Keys
                .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.EndsWith(suffix, StringComparison.Ordinal) && k.Length >= prefix.Length + suffix.Length)
                .Order(StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>Applies all <paramref name="operations"/> or none; throws <see cref="StateETagException"/> on a failed check.</summary>
    public void Apply(IReadOnlyList<StateOperation> operations)
    {
        lock (_gate)
        {
            var staged = new Dictionary<string, StateItem?>(StringComparer.Ordinal);
            foreach (var operation in operations)
            {
                var current = staged.TryGetValue(operation.Key, out var s) ? s : _items.GetValueOrDefault(operation.Key);
                Validate(operation, current);
                staged[operation.Key] = operation.IsDelete
                    ? null
                    : new StateItem(operation.Value!, NextETag(current));
            }

            foreach (var (key, item) in staged)
            {
                if (item is null)
                {
                    _items.Remove(key);
                }
                else
                {
                    _items[key] = item;
                }
            }

            _writes += staged.Count;
        }
    }

    private static void Validate(StateOperation operation, StateItem? current)
    {
        var hasETag = !string.IsNullOrEmpty(operation.ETag);
        if (hasETag)
        {
            if (current is null)
            {
                throw new StateETagException("item does not exist and etag was passed");
            }

            if (!string.Equals(current.ETag, operation.ETag, StringComparison.Ordinal))
            {
                throw new StateETagException("etag does not match");
            }
        }
        else if (operation.FirstWrite && current is not null && !operation.IsDelete)
        {
            throw new StateETagException("item already exists and no etag was passed");
        }
    }

    private static string NextETag(StateItem? current) =>
        current is null
            ? "1"
            : (long.Parse(current.ETag, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
}
