using System.Text.Json.Nodes;
using System.Threading.Channels;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Server.Sessions;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Tests.Sessions;

/// <summary>
/// The in-memory host ends a session once it has been idle for longer than the idle timeout, on the clock the app
/// registers; traffic restarts the idle time. The server's replies go to a recording route instead of a sidecar.
/// </summary>
public sealed class InMemoryIdleSweepTests : IAsyncDisposable
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly RecordingRoute _replies = new();
    private readonly ServiceProvider _services;
    private readonly InMemorySessionHost _host;

    public InMemoryIdleSweepTests()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddMcpServer().WithDaprPubSubTransport(options =>
        {
            options.AppId = "server";
            options.SessionIdleTimeout = IdleTimeout;
        });
        services.RemoveAll<IReplyRoute>();
        services.AddSingleton<IReplyRoute>(_replies);
        _services = services.BuildServiceProvider();
        _host = _services.GetRequiredService<InMemorySessionHost>();
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task A_session_ends_once_idle_for_longer_than_the_timeout_and_traffic_restarts_the_idle_time()
    {
        var ct = TestContext.Current.CancellationToken;
        var sessionId = await OpenAsync("open", ct);
        Assert.Equal(1, _host.OpenSessions);

        _time.Advance(IdleTimeout - TimeSpan.FromSeconds(1));
        await _host.SweepAsync();
        Assert.Equal(1, _host.OpenSessions);

        // A ping answered: the session was active just now.
        await DispatchAsync("ping", sessionId, new JsonRpcRequest { Id = new RequestId(2), Method = RequestMethods.Ping }, ct);
        await _replies.NextAsync(ct);
        await AnsweredAsync();
        _time.Advance(TimeSpan.FromSeconds(2));
        await _host.SweepAsync();
        Assert.Equal(1, _host.OpenSessions);

        _time.Advance(IdleTimeout);
        await _host.SweepAsync();
        Assert.Equal(0, _host.OpenSessions);
    }

    [Fact]
    public void The_sweep_period_is_a_quarter_of_the_timeout_between_50_ms_and_30_s()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), SessionHostService.SweepPeriod(TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(50), SessionHostService.SweepPeriod(TimeSpan.FromMilliseconds(100)));
        Assert.Equal(TimeSpan.FromSeconds(30), SessionHostService.SweepPeriod(TimeSpan.FromHours(1)));
    }

    private async Task<string> OpenAsync(string eventId, CancellationToken ct)
    {
        await DispatchAsync(eventId, null, new JsonRpcRequest
        {
            Id = new RequestId(1),
            Method = RequestMethods.Initialize,
            Params = new JsonObject
            {
                ["protocolVersion"] = "2025-11-25",
                ["capabilities"] = new JsonObject(),
                ["clientInfo"] = new JsonObject { ["name"] = "test", ["version"] = "1.0" },
            },
        }, ct);
        var answer = await _replies.NextAsync(ct);
        await AnsweredAsync();
        return answer.SessionId!;
    }

    // The route hears an answer before the session's send returns and counts the request as answered; a request
    // still counted keeps its session from the sweep, so the clock only moves on once the count has dropped.
    private Task AnsweredAsync() => Wait.UntilAsync(() => _host.PendingRequests == 0, "the host to count the answer as sent");

    private async Task DispatchAsync(string eventId, string? sessionId, JsonRpcMessage message, CancellationToken ct) =>
        Assert.Equal(DeliveryStatus.Success, await _host.DispatchAsync(new McpEnvelope
        {
            Id = eventId,
            Source = "client",
            SessionId = sessionId,
            ReplyTo = ReplyAddress.ForPubSub("pubsub", "replies"),
            Connection = "connection-1",
            Message = message,
        }, ct));

    /// <summary>A reply route that keeps what the server sends.</summary>
    private sealed class RecordingRoute : InProcessReplyRoute
    {
        private readonly Channel<McpEnvelope> _sent = Channel.CreateUnbounded<McpEnvelope>();
        private readonly McpEnvelopeCodec _codec = new();

        public async Task<McpEnvelope> NextAsync(CancellationToken ct) => await _sent.Reader.ReadAsync(ct);

        public override Task SendAsync(string eventId, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
        {
            _sent.Writer.TryWrite(_codec.Decode(cloudEvent, WireLimits.DefaultMaxMessageBytes).Envelope!);
            return Task.CompletedTask;
        }
    }
}
