using System.Text.Json.Nodes;
using System.Threading.Channels;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Proxy.Configuration;
using AsyncMcp.Dapr.Proxy.Forwarding;
using AsyncMcp.Dapr.Proxy.Front;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>
/// The proxy's channel in isolation, against a scripted backend: the ids and progress tokens it rewrites on the way
/// to the server and restores on the way back, and the idle sweep of front sessions on a clock the test moves.
/// </summary>
public sealed class ProxyChannelUnitTests
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData("front-7")]
    [InlineData(42L)]
    public async Task Request_ids_and_progress_tokens_are_the_proxys_own_on_the_backend_and_the_clients_on_the_front(object frontIdValue)
    {
        var ct = TestContext.Current.CancellationToken;
        var frontId = frontIdValue is string text ? new RequestId(text) : new RequestId((long)frontIdValue);
        var backend = new ScriptedTransport();
        var front = new ScriptedTransport();
        await using var channel = new ProxyChannel(backend, TimeSpan.FromMinutes(1), TimeProvider.System, NullLogger.Instance);

        await channel.ForwardAsync(new JsonRpcRequest
        {
            Id = frontId,
            Method = RequestMethods.ToolsCall,
            Params = new JsonObject { ["name"] = "slow", ["_meta"] = new JsonObject { ["progressToken"] = "client-token" } },
        }, front, ct);

        // The server sees the proxy's id and token, never the client's (two clients may use the same ones).
        var forwarded = Assert.IsType<JsonRpcRequest>(await backend.Sent.ReadAsync(ct));
        Assert.NotEqual(frontId, forwarded.Id);
        var backendToken = forwarded.Params!["_meta"]!["progressToken"]!.GetValue<string>();
        Assert.NotEqual("client-token", backendToken);
        Assert.Equal("slow", forwarded.Params["name"]!.GetValue<string>());
        Assert.Equal(1, channel.InFlight);

        // Progress and the answer come back with the client's token and id.
        backend.Receive(new JsonRpcNotification
        {
            Method = NotificationMethods.ProgressNotification,
            Params = new JsonObject { ["progressToken"] = backendToken, ["progress"] = 1 },
        });
        var progress = Assert.IsType<JsonRpcNotification>(await front.Sent.ReadAsync(ct));
        Assert.Equal("client-token", progress.Params!["progressToken"]!.GetValue<string>());

        backend.Receive(new JsonRpcResponse { Id = forwarded.Id, Result = new JsonObject { ["ok"] = true } });
        var answer = Assert.IsType<JsonRpcResponse>(await front.Sent.ReadAsync(ct));
        Assert.Equal(frontId, answer.Id);
        Assert.Equal(0, channel.InFlight);
    }

    [Fact]
    public async Task A_cancellation_names_the_backend_id_of_the_request_it_cancels()
    {
        var ct = TestContext.Current.CancellationToken;
        var backend = new ScriptedTransport();
        await using var channel = new ProxyChannel(backend, TimeSpan.FromMinutes(1), TimeProvider.System, NullLogger.Instance);
        await channel.ForwardAsync(new JsonRpcRequest { Id = new RequestId(5), Method = RequestMethods.ToolsCall, Params = new JsonObject { ["name"] = "slow" } }, new ScriptedTransport(), ct);
        var forwarded = Assert.IsType<JsonRpcRequest>(await backend.Sent.ReadAsync(ct));

        await channel.ForwardAsync(new JsonRpcNotification
        {
            Method = NotificationMethods.CancelledNotification,
            // As read off the wire (a number parsed from JSON).
            Params = JsonNode.Parse("""{"requestId":5,"reason":"user"}"""),
        }, null, ct);

        var cancelled = Assert.IsType<JsonRpcNotification>(await backend.Sent.ReadAsync(ct));
        Assert.Equal(forwarded.Id.ToString(), cancelled.Params!["requestId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Front_sessions_close_once_idle_for_longer_than_the_timeout_on_the_proxys_clock()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var sessions = new FrontSessionRegistry(new ScriptedConnector(), Options.Create(new ProxyOptions { SessionIdleTimeout = IdleTimeout }), time, NullLoggerFactory.Instance);
        var idle = (await sessions.OpenAsync(ct))!;
        var busy = (await sessions.OpenAsync(ct))!;

        time.Advance(IdleTimeout - TimeSpan.FromSeconds(1));
        // Traffic on one session restarts its idle time.
        await busy.Channel.ForwardAsync(new JsonRpcNotification { Method = NotificationMethods.InitializedNotification }, null, ct);
        sessions.CloseIdle(time.GetUtcNow());
        Assert.Equal(2, sessions.Count);

        time.Advance(TimeSpan.FromSeconds(2));
        sessions.CloseIdle(time.GetUtcNow());
        Assert.False(sessions.TryGet(idle.Id, out _));
        Assert.True(sessions.TryGet(busy.Id, out _));

        time.Advance(IdleTimeout);
        sessions.CloseIdle(time.GetUtcNow());
        Assert.Equal(0, sessions.Count);
    }

    // A proxy draining on its way down refuses a new request with the shutting-down code (-32016), not as an outage
    // of the server (-32031); a backend that cannot be reached is still -32031.
    [Theory]
    [InlineData(true, McpWireErrorCodes.ShuttingDown)]
    [InlineData(false, ProxyErrorCodes.BackendUnavailable)]
    public async Task A_request_the_backend_connection_refuses_is_answered_with_the_reason_code(bool draining, int code)
    {
        var ct = TestContext.Current.CancellationToken;
        var backend = new RefusingTransport(draining
            ? new AppShuttingDownException("The app is shutting down and sends no new requests.")
            : new HttpRequestException("Connection refused"));
        var front = new ScriptedTransport();
        await using var channel = new ProxyChannel(backend, TimeSpan.FromMinutes(1), TimeProvider.System, NullLogger.Instance);

        await channel.ForwardAsync(new JsonRpcRequest { Id = new RequestId(9), Method = RequestMethods.ToolsCall, Params = new JsonObject { ["name"] = "slow" } }, front, ct);

        var error = Assert.IsType<JsonRpcError>(await front.Sent.ReadAsync(ct));
        Assert.Equal(new RequestId(9), error.Id);
        Assert.Equal(code, error.Error.Code);
        Assert.Equal(0, channel.InFlight);
    }

    private sealed class RefusingTransport(Exception refusal) : ITransport
    {
        private readonly Channel<JsonRpcMessage> _received = Channel.CreateUnbounded<JsonRpcMessage>();

        public string? SessionId => null;

        public ChannelReader<JsonRpcMessage> MessageReader => _received.Reader;

        public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default) => Task.FromException(refusal);

        public ValueTask DisposeAsync()
        {
            _received.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ScriptedConnector : IBackendConnector
    {
        public string Name => "scripted";

        public Task<ITransport> ConnectAsync(CancellationToken cancellationToken) => Task.FromResult<ITransport>(new ScriptedTransport());
    }

    /// <summary>A transport whose sent messages the test reads and whose received messages the test writes.</summary>
    private sealed class ScriptedTransport : ITransport
    {
        private readonly Channel<JsonRpcMessage> _received = Channel.CreateUnbounded<JsonRpcMessage>();
        private readonly Channel<JsonRpcMessage> _sent = Channel.CreateUnbounded<JsonRpcMessage>();

        public ChannelReader<JsonRpcMessage> Sent => _sent.Reader;

        public string? SessionId => null;

        public ChannelReader<JsonRpcMessage> MessageReader => _received.Reader;

        public void Receive(JsonRpcMessage message) => _received.Writer.TryWrite(message);

        public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
        {
            _sent.Writer.TryWrite(message);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _received.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}
