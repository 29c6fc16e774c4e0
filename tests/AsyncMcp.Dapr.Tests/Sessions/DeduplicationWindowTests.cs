using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Tests.Sessions;

public sealed class DeduplicationWindowTests
{
    [Fact]
    public void A_repeated_id_is_reported_once_seen()
    {
        var window = new DeduplicationWindow(capacity: 3);

        Assert.True(window.TryAdd("a"));
        Assert.False(window.TryAdd("a"));
    }

    [Fact]
    public void The_window_is_bounded_and_forgets_the_oldest_id_first()
    {
        var window = new DeduplicationWindow(capacity: 2);
        window.TryAdd("a");
        window.TryAdd("b");
        window.TryAdd("c");

        Assert.False(window.TryAdd("c"));
        Assert.False(window.TryAdd("b"));
        Assert.True(window.TryAdd("a"));
    }

    [Fact]
    public void A_removed_id_is_accepted_again_so_a_failed_event_can_be_redelivered()
    {
        var window = new DeduplicationWindow(capacity: 2);
        window.TryAdd("a");
        window.Remove("a");

        Assert.True(window.TryAdd("a"));
    }
}
