using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Client;

/// <summary>
/// An <see cref="IClientTransport"/> that reaches an MCP server over Dapr pub/sub: requests are published to the
/// server's topic, and replies arrive on this app's reply topic. Each <see cref="ConnectAsync"/> opens an independent
/// connection, so one instance serves any number of <see cref="McpClient"/>s.
/// </summary>
/// <remarks>Obtain it from dependency injection after <c>AddMcpPubSubClient</c>, and map the reply endpoint with
/// <c>MapMcpPubSubReplies</c>.</remarks>
public sealed class PubSubClientTransport : IClientTransport
{
    private readonly McpEventPublisher _publisher;
    private readonly ReplyRouter _router;
    private readonly DaprPubSubClientOptions _options;
    private readonly TimeProvider _time;
    private readonly McpDaprMetrics _metrics;
    private readonly ILoggerFactory _loggerFactory;

    internal PubSubClientTransport(
        McpEventPublisher publisher,
        ReplyRouter router,
        DaprPubSubClientOptions options,
        TimeProvider time,
        McpDaprMetrics metrics,
        ILoggerFactory? loggerFactory)
    {
        _publisher = publisher;
        _router = router;
        _options = options;
        _time = time;
        _metrics = metrics;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <inheritdoc />
    public string Name => $"dapr-pubsub:{_options.PubSubName}/{_options.ServerTopic}" + (ReplyTo.IsBinding ? $" (replies by webhook via {ReplyTo})" : string.Empty);

    /// <summary>The address replies are sent to.</summary>
    public ReplyAddress ReplyTo => _options.EffectiveReplyTo;

    /// <inheritdoc />
    public Task<ITransport> ConnectAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<ITransport>(new PubSubClientSessionTransport(
            _publisher, _router, _options.AppId!, _options.PubSubName, _options.ServerTopic, ReplyTo, _options.MaxMessageBytes, _options.ReplyTimeout, _time, _metrics, _loggerFactory));

    /// <summary>
    /// Creates and connects an <see cref="McpClient"/> over this transport, with a <c>server/discover</c> probe timeout
    /// that suits a queue (<see cref="DaprPubSubClientOptions.DiscoverProbeTimeout"/>) unless
    /// <paramref name="clientOptions"/> sets one of its own.
    /// </summary>
    /// <param name="clientOptions">The MCP client options; for example a pinned <c>ProtocolVersion</c>.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    public Task<McpClient> CreateClientAsync(McpClientOptions? clientOptions = null, CancellationToken cancellationToken = default)
    {
        clientOptions ??= new McpClientOptions();
        if (clientOptions.DiscoverProbeTimeout == SdkDefaultProbeTimeout)
        {
            clientOptions.DiscoverProbeTimeout = _options.DiscoverProbeTimeout;
        }

        return McpClient.CreateAsync(this, clientOptions, _loggerFactory, cancellationToken);
    }

    private static readonly TimeSpan SdkDefaultProbeTimeout = new McpClientOptions().DiscoverProbeTimeout;
}
