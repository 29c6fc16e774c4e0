using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>
/// The recent CloudEvent ids of a session, as its durable record keeps them (the actor's record, the workflow's input):
/// an 8-byte digest per id (the first 8 bytes of its SHA-256) in a ring of <c>DeduplicationWindow</c> slots, so that a
/// full window of 256 ids is 2 KB of state instead of 10 KB of text. Two different ids share a digest with a chance of
/// about 2^-64 per pair.
/// </summary>
internal static class SeenWindow
{
    private const int DigestBytes = 8;

    /// <summary>Whether <paramref name="eventId"/> is among the ids the record remembers.</summary>
    public static bool Contains(ISeenRecord record, string eventId)
    {
        Upgrade(record);
        var digest = Digest(eventId);
        var seen = record.SeenDigests.AsSpan();
        for (var offset = 0; offset + DigestBytes <= seen.Length; offset += DigestBytes)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(seen[offset..]) == digest)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Remembers <paramref name="eventId"/>, forgetting the oldest id once <paramref name="window"/> are kept.</summary>
    public static void Add(ISeenRecord record, string eventId, int window)
    {
        Upgrade(record);
        var count = record.SeenDigests.Length / DigestBytes;
        if (count > window)
        {
            // The window shrank since the record was written: keep the newest ids, oldest first.
            record.SeenDigests = [.. Ordered(record).AsSpan((count - window) * DigestBytes)];
            record.SeenNext = 0;
            count = window;
        }

        if (count < window)
        {
            var grown = new byte[record.SeenDigests.Length + DigestBytes];
            Ordered(record).CopyTo(grown, 0);
            BinaryPrimitives.WriteUInt64LittleEndian(grown.AsSpan(grown.Length - DigestBytes), Digest(eventId));
            record.SeenDigests = grown;
            record.SeenNext = 0;
            return;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(record.SeenDigests.AsSpan(record.SeenNext * DigestBytes), Digest(eventId));
        record.SeenNext = (record.SeenNext + 1) % window;
    }

    // The digests oldest first (the ring starts at SeenNext once full).
    private static byte[] Ordered(ISeenRecord record)
    {
        var seen = record.SeenDigests;
        var start = record.SeenNext * DigestBytes;
        return start == 0 || start >= seen.Length ? seen : [.. seen.AsSpan(start), .. seen.AsSpan(0, start)];
    }

    /// <summary>Folds ids kept as text (by records of earlier versions, or given to a new record) into the digests.</summary>
    public static void Upgrade(ISeenRecord record)
    {
        if (record.Seen is not { } ids)
        {
            return;
        }

        record.Seen = null;
        record.SeenDigests = [];
        record.SeenNext = 0;
        foreach (var id in ids)
        {
            Add(record, id, int.MaxValue);
        }
    }

    private static ulong Digest(string eventId)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(eventId), hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }
}

/// <summary>A session record whose recent CloudEvent ids <see cref="SeenWindow"/> keeps.</summary>
internal interface ISeenRecord
{
    /// <summary>The digests, in a ring once full.</summary>
    byte[] SeenDigests { get; set; }

    /// <summary>The slot of the ring the next digest goes to, once the ring is full.</summary>
    int SeenNext { get; set; }

    /// <summary>Ids as text, folded into the digests on first use.</summary>
    List<string>? Seen { get; set; }
}
