using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Tests.Client;

public sealed class PendingReplyTrackerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<(JsonRpcError Error, string? MessageId)> _failed = [];

    [Fact]
    public async Task A_request_that_hears_nothing_for_longer_than_the_timeout_ends_in_a_reply_timed_out_error()
    {
        await using var tracker = Tracker(TimeSpan.FromSeconds(10));
        tracker.Sent(Request(1), "event-1");

        _time.Advance(TimeSpan.FromSeconds(10));
        await tracker.CheckAsync();
        Assert.Empty(_failed);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await tracker.CheckAsync();
        var (error, messageId) = Assert.Single(_failed);
        Assert.Equal(new RequestId(1), error.Id);
        Assert.Equal(McpWireErrorCodes.ReplyTimedOut, error.Error.Code);
        Assert.Equal("event-1", messageId);
    }

    [Fact]
    public async Task Anything_from_the_server_restarts_the_wait_of_every_pending_request()
    {
        await using var tracker = Tracker(TimeSpan.FromSeconds(10));
        tracker.Sent(Request(1), "event-1");
        _time.Advance(TimeSpan.FromSeconds(8));
        tracker.Received(new JsonRpcNotification { Method = "notifications/progress" });

        _time.Advance(TimeSpan.FromSeconds(8));
        await tracker.CheckAsync();
        Assert.Empty(_failed);

        _time.Advance(TimeSpan.FromSeconds(3));
        await tracker.CheckAsync();
        Assert.Single(_failed);
    }

    [Fact]
    public async Task An_answered_request_is_never_failed_and_its_time_in_flight_is_measured_on_the_clock()
    {
        await using var tracker = Tracker(TimeSpan.FromSeconds(10));
        tracker.Sent(Request(7), "event-7");
        _time.Advance(TimeSpan.FromMilliseconds(1500));

        var answered = tracker.Received(new JsonRpcResponse { Id = new RequestId(7), Result = null });
        _time.Advance(TimeSpan.FromMinutes(5));
        await tracker.CheckAsync();

        Assert.Equal(("tools/call", TimeSpan.FromMilliseconds(1500)), answered!.Value);
        Assert.Empty(_failed);
    }

    [Fact]
    public async Task Without_a_timeout_a_request_waits_for_ever()
    {
        await using var tracker = Tracker(timeout: null);
        tracker.Sent(Request(1), "event-1");

        _time.Advance(TimeSpan.FromDays(1));
        await tracker.CheckAsync();

        Assert.Empty(_failed);
    }

    private PendingReplyTracker Tracker(TimeSpan? timeout) => new(timeout, _time, (error, messageId) =>
    {
        _failed.Add((error, messageId));
        return Task.CompletedTask;
    });

    private static JsonRpcRequest Request(long id) => new() { Id = new RequestId(id), Method = "tools/call" };
}
