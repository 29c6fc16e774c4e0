using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Transports;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Sessions;

/// <summary>Answers a request that no session can take with a JSON-RPC error at its reply address.</summary>
internal sealed class ErrorReplies(ReplySenders senders, string appId, ILogger logger)
{
    /// <summary>Sends the error when the message is a request with a reply address; other messages have nobody to answer.</summary>
    public async Task SendAsync(McpEnvelope envelope, int code, string message, CancellationToken cancellationToken)
    {
        if (envelope.Message is not JsonRpcRequest request || envelope.ReplyTo is not { } replyTo)
        {
            return;
        }

        var error = new JsonRpcError { Id = request.Id, Error = new JsonRpcErrorDetail { Code = code, Message = message } };
        using var activity = Telemetry.StartPublish(error, Telemetry.DestinationOf(replyTo), envelope.SessionId);
        var reply = new McpEnvelope
        {
            Id = Guid.NewGuid().ToString("N"),
            Source = appId,
            SessionId = envelope.SessionId,
            Connection = envelope.Connection,
            TraceParent = McpEventPublisher.CurrentTraceParent(),
            Message = error,
        };

        try
        {
            await senders.SendOnceAsync(replyTo, reply, cancellationToken);
            Transports.Log.Published(logger, "error", reply.Id, reply.SessionId, Telemetry.DestinationOf(replyTo));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ErrorReplyFailed(logger, ex, envelope.Id, envelope.SessionId);
            throw;
        }
    }
}
