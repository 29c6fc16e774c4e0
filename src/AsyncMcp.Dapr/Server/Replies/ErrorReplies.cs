using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Server.Replies;

/// <summary>Answers a request that no session can take with a JSON-RPC error at its reply address (one attempt).</summary>
internal sealed class ErrorReplies(ReplyRoutes routes, IOptions<DaprPubSubServerOptions> options, McpDaprMetrics metrics)
{
    /// <summary>
    /// Sends the error when the message is a request with a reply address; other messages have nobody to answer.
    /// </summary>
    /// <returns><see langword="false"/> when nothing was sent: not a request, no address, or an address this server refuses.</returns>
    /// <param name="logger">The logger of the component that refuses the message.</param>
    /// <param name="envelope">The refused message.</param>
    /// <param name="code">The JSON-RPC error code (<see cref="McpWireErrorCodes"/>).</param>
    /// <param name="message">The error message.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public async Task<bool> SendAsync(ILogger logger, McpEnvelope envelope, int code, string message, CancellationToken cancellationToken)
    {
        if (envelope.Message is not JsonRpcRequest request || envelope.ReplyTo is not { } replyTo)
        {
            return false;
        }

        // The one place every error reply passes: nothing is sent to an address this server refuses, whichever path
        // the refusal comes from (the subscription endpoint checks first; this holds if a new path forgets to).
        if (await routes.RefusalAsync(replyTo, cancellationToken) is { } refusal)
        {
            Log.ErrorReplyRefused(logger, envelope.Id, envelope.SessionId, replyTo.ToString(), refusal);
            return false;
        }

        var error = new JsonRpcError { Id = request.Id, Error = new JsonRpcErrorDetail { Code = code, Message = message } };
        var destination = Telemetry.DestinationOf(replyTo);
        using var activity = Telemetry.StartPublish(error, destination, envelope.SessionId);
        metrics.Published(destination);
        var reply = McpEnvelope.Create(options.Value.AppId!, envelope.SessionId, envelope.Connection, error);
        try
        {
            await routes.SendOnceAsync(replyTo, reply, cancellationToken);
            Log.Published(logger, "error", reply.Id, reply.SessionId, Telemetry.DestinationOf(replyTo));
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ErrorReplyFailed(logger, ex, envelope.Id, envelope.SessionId);
            throw;
        }
    }
}
