using System.Text.Json;
using AsyncMcp.Dapr.Actors.Sessions;

namespace AsyncMcp.Dapr.Tests.Sessions;

/// <summary>The de-duplication window an actor session keeps in its state: the last ids, as digests in a ring.</summary>
public sealed class SeenWindowTests
{
    private static SessionRecord Record() => new() { SessionId = "s", OwnerAppId = "client", ReplyTo = "pubsub://pubsub/replies" };

    [Fact]
    public void The_window_remembers_the_last_ids_and_forgets_the_oldest_first()
    {
        var record = Record();
        for (var i = 0; i < 300; i++)
        {
            SeenWindow.Add(record, "event-" + i, window: 256);
        }

        Assert.All(Enumerable.Range(44, 256), i => Assert.True(SeenWindow.Contains(record, "event-" + i)));
        Assert.All(Enumerable.Range(0, 44), i => Assert.False(SeenWindow.Contains(record, "event-" + i)));
        Assert.False(SeenWindow.Contains(record, "event-300"));
        Assert.Equal(256 * 8, record.SeenDigests.Length);
    }

    [Fact]
    public void A_full_window_survives_the_trip_through_state_and_keeps_forgetting_in_order()
    {
        var record = Record();
        for (var i = 0; i < 260; i++)
        {
            SeenWindow.Add(record, "event-" + i, window: 256);
        }

        var stored = JsonSerializer.Deserialize<SessionRecord>(JsonSerializer.Serialize(record))!;
        SeenWindow.Add(stored, "event-260", window: 256);

        Assert.True(SeenWindow.Contains(stored, "event-260"));
        Assert.True(SeenWindow.Contains(stored, "event-5"));
        Assert.False(SeenWindow.Contains(stored, "event-4"));
    }

    [Fact]
    public void Ids_kept_as_text_by_an_earlier_version_are_still_recognised()
    {
        var stored = JsonSerializer.Deserialize<SessionRecord>("""
            {"SessionId":"s","OwnerAppId":"client","ReplyTo":"pubsub://pubsub/replies","Seen":["old-1","old-2"]}
            """)!;

        Assert.True(SeenWindow.Contains(stored, "old-1"));
        SeenWindow.Add(stored, "new-1", window: 2);

        Assert.Null(stored.Seen);
        Assert.False(SeenWindow.Contains(stored, "old-1"));
        Assert.True(SeenWindow.Contains(stored, "old-2"));
        Assert.True(SeenWindow.Contains(stored, "new-1"));
    }

    [Fact]
    public void A_smaller_window_than_the_record_was_written_with_keeps_the_newest_ids()
    {
        var record = Record();
        for (var i = 0; i < 10; i++)
        {
            SeenWindow.Add(record, "event-" + i, window: 10);
        }

        SeenWindow.Add(record, "event-10", window: 4);

        Assert.Equal(4 * 8, record.SeenDigests.Length);
        Assert.All(Enumerable.Range(7, 4), i => Assert.True(SeenWindow.Contains(record, "event-" + i)));
        Assert.False(SeenWindow.Contains(record, "event-6"));
    }
}
