using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Transports;

/// <summary>Creates the transport of a new server session or lane, wired to the reply route its opener named.</summary>
internal sealed class ServerSessionTransportFactory(
    McpEnvelopeCodec codec,
    ReplyChannelFactory channels,
    IOptions<DaprPubSubServerOptions> options,
    ILoggerFactory loggerFactory)
{
    /// <summary>Creates the transport for the session (or lane) that <paramref name="opener"/> opens.</summary>
    /// <param name="sessionId">The new session id, or <see langword="null"/> for a sessionless lane.</param>
    /// <param name="opener">The message that opens it; its reply address and connection are kept.</param>
    public ServerSessionTransport Create(string? sessionId, McpEnvelope opener) =>
        new(sessionId, opener.ReplyTo!, opener.Connection, options.Value.AppId!, options.Value.MaxMessageBytes, codec, channels, loggerFactory);
}
