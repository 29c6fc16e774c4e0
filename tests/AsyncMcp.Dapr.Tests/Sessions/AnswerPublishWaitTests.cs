using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Server.Sessions;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Tests.Sessions;

/// <summary>
/// A client may read an answer, and send its next message, before the sidecar's reply to the answer's publish is back
/// on the server. The durable session transport lets the actor wait for answers still being published before it records
/// that next message, so that the message's save takes the answer off the in-flight list (docs/sessions.md, "Requests in
/// flight when a replica dies"). The publish is held by a route that releases it on the test's word.
/// </summary>
public sealed class AnswerPublishWaitTests : IAsyncDisposable
{
    private readonly HeldRoute _route = new();
    private readonly ServiceProvider _services;
    private readonly ConcurrentQueue<RequestId> _answered = new();
    private readonly DurableSessionTransport _transport;

    public AnswerPublishWaitTests()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddMcpServer().WithDaprPubSubTransport(options => options.AppId = "server");
        services.RemoveAll<IReplyRoute>();
        services.AddSingleton<IReplyRoute>(_route);
        _services = services.BuildServiceProvider();
        var outbox = _services.GetRequiredService<SessionOutboxFactory>()
            .Open("session-1", ReplyAddress.ForPubSub("pubsub", "replies"), connection: null, onFailed: _ => { });
        _transport = new DurableSessionTransport("session-1", outbox, (id, _) => _answered.Enqueue(id), _services.GetRequiredService<ILoggerFactory>());
    }

    public async ValueTask DisposeAsync()
    {
        _route.Release();
        await _transport.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task The_wait_ends_only_once_an_answer_being_published_is_reported()
    {
        var send = _transport.SendMessageAsync(Answer(7), TestContext.Current.CancellationToken);
        await _route.Started.WaitAsync(TestContext.Current.CancellationToken);

        var wait = _transport.WhenAnswersPublishedAsync(TimeSpan.FromMinutes(1), TimeProvider.System);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(wait.IsCompleted);
        Assert.Empty(_answered);

        _route.Release();
        await wait.WaitAsync(TestContext.Current.CancellationToken);
        // Reported before the wait ended: the save that follows the wait takes it off the list.
        Assert.Equal([new RequestId(7)], _answered);
        await send;
    }

    [Fact]
    public async Task A_publish_stuck_past_the_bound_ends_the_wait_without_a_report()
    {
        var time = new FakeTimeProvider();
        var send = _transport.SendMessageAsync(Answer(8), TestContext.Current.CancellationToken);
        await _route.Started.WaitAsync(TestContext.Current.CancellationToken);

        var wait = _transport.WhenAnswersPublishedAsync(TimeSpan.FromSeconds(1), time);
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await wait.WaitAsync(TestContext.Current.CancellationToken);
        Assert.Empty(_answered);

        _route.Release();
        await send;
        Assert.Equal([new RequestId(8)], _answered);
    }

    [Fact]
    public async Task Nothing_being_published_means_no_wait()
    {
        _route.Release();
        await _transport.SendMessageAsync(Answer(9), TestContext.Current.CancellationToken);
        Assert.True(_transport.WhenAnswersPublishedAsync(TimeSpan.FromMinutes(1), TimeProvider.System).IsCompletedSuccessfully);
        Assert.Equal([new RequestId(9)], _answered);
    }

    private static JsonRpcResponse Answer(long id) => new() { Id = new RequestId(id), Result = new JsonObject() };

    /// <summary>A reply route whose publishes wait for <see cref="Release"/>.</summary>
    private sealed class HeldRoute : InProcessReplyRoute
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public void Release() => _released.TrySetResult();

        public override async Task SendAsync(string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
        }
    }
}
