using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Tests.Sessions;
using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Tests.Server;

public sealed class DirectReplyChannelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_send_still_in_flight_when_the_session_ends_finishes_as_a_send()
    {
        var (route, channel, send) = await StartFirstSendAsync("answer");
        await channel.DisposeAsync();
        route.Finish();

        // The message was published: the send completes, instead of failing as the session's channel goes away.
        await send.WaitAsync(Ct);
        Assert.Equal(["answer"], route.Sent);
    }

    [Fact]
    public async Task Sends_of_one_session_go_out_one_at_a_time_in_order()
    {
        var (route, channel, first) = await StartFirstSendAsync("first");
        var second = channel.SendAsync("second", "{}"u8.ToArray(), Ct);
        await Task.Delay(50, Ct);
        Assert.Equal(["first"], route.Started);

        route.Finish();
        await Task.WhenAll(first, second).WaitAsync(Ct);
        Assert.Equal(["first", "second"], route.Sent);
    }

    // A channel whose first send has reached the route and is held there.
    private static async Task<(GatedRoute Route, DirectReplyChannel Channel, Task Send)> StartFirstSendAsync(string eventId)
    {
        var route = new GatedRoute();
        var channel = new DirectReplyChannel(route, ReplyAddress.ForPubSub("pubsub", "mcp-replies-client"));
        var send = channel.SendAsync(eventId, "{}"u8.ToArray(), Ct);
        await route.Entered.WaitAsync(Ct);
        return (route, channel, send);
    }

    // Holds the first send until the test lets it finish, as a sidecar slow to answer a publish.
    private sealed class GatedRoute : InProcessReplyRoute
    {
        private readonly TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public List<string> Started { get; } = [];

        public List<string> Sent { get; } = [];

        public void Finish() => _finish.TrySetResult();

        public override async Task SendAsync(string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
        {
            lock (Started)
            {
                Started.Add(eventId);
            }

            _entered.TrySetResult();
            await _finish.Task.WaitAsync(cancellationToken);
            lock (Sent)
            {
                Sent.Add(eventId);
            }
        }
    }
}
