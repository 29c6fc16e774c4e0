using System.Threading.Channels;
using AsyncMcp.Dapr.Proxy.Configuration;
using AsyncMcp.Dapr.Proxy.Forwarding;
using AsyncMcp.Dapr.Proxy.Front;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>Backend connections of sessionless requests are reused up to <see cref="ProxyOptions.MaxIdleBackendConnections"/>.</summary>
public sealed class SessionlessChannelPoolTests
{
    [Fact]
    public async Task Connections_beyond_the_idle_limit_are_closed_and_the_rest_serve_the_next_requests()
    {
        var connector = new CountingConnector();
        await using var pool = new SessionlessChannelPool(connector, Options.Create(new ProxyOptions { MaxIdleBackendConnections = 4 }), TimeProvider.System, NullLoggerFactory.Instance);

        // Ten requests at once need ten connections; once answered, four stay for reuse.
        var channels = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => pool.RentAsync(TestContext.Current.CancellationToken)));
        foreach (var channel in channels)
        {
            await pool.ReturnAsync(channel);
        }

        Assert.Equal((10, 6), (connector.Opened, connector.Closed));

        // The next four requests take the idle connections; a fifth opens a new one.
        var reused = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => pool.RentAsync(TestContext.Current.CancellationToken)));
        Assert.Equal(11, connector.Opened);
        Assert.Equal(4, reused.Count(channels.Contains));
    }

    private sealed class CountingConnector : IBackendConnector
    {
        private int _opened;
        private int _closed;

        public string Name => "counting";

        public int Opened => Volatile.Read(ref _opened);

        public int Closed => Volatile.Read(ref _closed);

        public Task<ITransport> ConnectAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _opened);
            return Task.FromResult<ITransport>(new IdleTransport(() => Interlocked.Increment(ref _closed)));
        }
    }

    /// <summary>A backend connection that never receives anything.</summary>
    private sealed class IdleTransport(Action closed) : ITransport
    {
        private readonly Channel<JsonRpcMessage> _messages = Channel.CreateUnbounded<JsonRpcMessage>();

        public string? SessionId => null;

        public ChannelReader<JsonRpcMessage> MessageReader => _messages.Reader;

        public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync()
        {
            _messages.Writer.TryComplete();
            closed();
            return ValueTask.CompletedTask;
        }
    }
}
