using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>
/// The one policy for messages a session host cannot hand to a session: each refusal is logged, counted
/// (<c>asyncmcp.messages.dropped</c>) and, for a request, answered with its JSON-RPC error. Every host uses it, so that
/// a client sees the same code and text whichever host serves it.
/// </summary>
internal sealed class SessionRefusals(ErrorReplies errors, IOptions<DaprPubSubServerOptions> options, McpDaprMetrics metrics)
{
    /// <summary>The session named does not exist here: closed, expired or never opened (-32001).</summary>
    public Task NotFoundAsync(ILogger logger, McpEnvelope envelope, string sessionId, CancellationToken cancellationToken)
    {
        SessionLog.UnknownSession(logger, envelope.Id, sessionId);
        metrics.Dropped(DropReasons.UnknownSession, envelope.Topic);
        return errors.SendAsync(logger, envelope, McpWireErrorCodes.SessionNotFound, NotFoundText(sessionId), cancellationToken);
    }

    /// <summary>The text of the -32001 error, for hosts that answer it on their own path.</summary>
    public static string NotFoundText(string sessionId) =>
        $"Session '{sessionId}' does not exist, was closed or has expired. Initialize a new session.";

    /// <summary>The session belongs to another app-id (-32011).</summary>
    /// <param name="logger">The host's logger.</param>
    /// <param name="envelope">The refused message.</param>
    /// <param name="sessionId">The session it names.</param>
    /// <param name="ownerAppId">The session's owner, when known here; <see langword="null"/> when its keeper logged the refusal.</param>
    /// <param name="cancellationToken">Cancels the answer.</param>
    public Task ForbiddenAsync(ILogger logger, McpEnvelope envelope, string sessionId, string? ownerAppId, CancellationToken cancellationToken)
    {
        if (ownerAppId is not null)
        {
            SessionLog.ForeignSession(logger, envelope.Id, envelope.Source, sessionId, ownerAppId);
        }

        metrics.Dropped(DropReasons.SessionForbidden, envelope.Topic);
        return errors.SendAsync(logger, envelope, McpWireErrorCodes.SessionForbidden, $"Session '{sessionId}' belongs to another app.", cancellationToken);
    }

    /// <summary>A sessionless request that would open a lane beyond the cap on lanes (-32012).</summary>
    public Task LanesFullAsync(ILogger logger, McpEnvelope envelope, CancellationToken cancellationToken)
    {
        var cap = options.Value.MaxSessionlessLanes;
        SessionLog.LaneCapReached(logger, envelope.Id, envelope.Source, cap);
        metrics.Dropped(DropReasons.TooManySessions, envelope.Topic);
        return errors.SendAsync(logger, envelope, McpWireErrorCodes.TooManySessions,
            $"The server has reached its limit of {cap} sessionless client connections. Try again later.", cancellationToken);
    }

    /// <summary>A new request that arrives while the server drains on its way down (-32016).</summary>
    public Task ShuttingDownAsync(ILogger logger, McpEnvelope envelope, CancellationToken cancellationToken)
    {
        SessionLog.RefusedWhileStopping(logger, envelope.Id, envelope.Source);
        metrics.Dropped(DropReasons.ShuttingDown, envelope.Topic);
        return errors.SendAsync(logger, envelope, McpWireErrorCodes.ShuttingDown, ShuttingDownText, cancellationToken);
    }

    /// <summary>The text of the -32016 error that refuses a new request, for hosts that answer it on their own path.</summary>
    public const string ShuttingDownText =
        "The server is shutting down and takes no new requests. Send the request again: another replica, or this one once restarted, will take it.";

    /// <summary>An <c>initialize</c> beyond the cap on open sessions (-32012).</summary>
    public Task CapReachedAsync(ILogger logger, McpEnvelope envelope, CancellationToken cancellationToken)
    {
        var cap = options.Value.MaxSessions;
        SessionLog.SessionCapReached(logger, envelope.Id, envelope.Source, cap);
        metrics.Dropped(DropReasons.TooManySessions, envelope.Topic);
        return errors.SendAsync(logger, envelope, McpWireErrorCodes.TooManySessions,
            $"The server has reached its limit of {cap} open sessions. Try again later.", cancellationToken);
    }
}
