using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Server.Replies;

/// <summary>Opens the outbox of a new server session or lane, on the reply route its opener named.</summary>
internal sealed class SessionOutboxFactory(
    McpEnvelopeCodec codec,
    ReplyRoutes routes,
    IOptions<DaprPubSubServerOptions> options,
    McpDaprMetrics metrics,
    ILogger<SessionOutbox> logger)
{
    /// <summary>Opens the outbox of a session (or lane).</summary>
    /// <param name="sessionId">The session id, or <see langword="null"/> for a sessionless lane.</param>
    /// <param name="replyTo">Where the session's client reads its replies.</param>
    /// <param name="connection">The client connection named by the opener, echoed on every reply.</param>
    /// <param name="onFailed">Called once when a message cannot be delivered for good.</param>
    public SessionOutbox Open(string? sessionId, ReplyAddress replyTo, string? connection, Action<Exception> onFailed) =>
        new(sessionId, replyTo, connection, options.Value.AppId!, options.Value.MaxMessageBytes, codec, routes, metrics, logger, onFailed);
}
