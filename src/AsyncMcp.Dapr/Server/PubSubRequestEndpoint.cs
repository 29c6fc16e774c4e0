using System.Text.Json;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Http;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Server.Sessions;
using AsyncMcp.Dapr.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Server;

/// <summary>
/// The subscription endpoint of an MCP server: decodes each delivered CloudEvent, hands it to the session host, and
/// answers the sidecar with SUCCESS only once the message is handed over, RETRY on a transient failure, and DROP
/// for an event that can never be processed (the sidecar then moves it to the subscription's dead-letter topic).
/// </summary>
internal sealed class PubSubRequestEndpoint(
    IMcpSessionHost host,
    IEnumerable<IUnsolicitedResponseHandler> responseHandlers,
    McpEnvelopeCodec codec,
    ReplyRoutes routes,
    ErrorReplies errors,
    IOptions<DaprPubSubServerOptions> options,
    McpDaprMetrics metrics,
    ILogger<PubSubRequestEndpoint> logger)
{
    private readonly DaprPubSubServerOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var (status, topic) = await ProcessAsync(context.Request, cancellationToken);
        metrics.Delivered(topic ?? _options.Topic, _options.Route, status);
        await DeliveryResponse.WriteAsync(context, status);
    }

    private async Task<(DeliveryStatus Status, string? Topic)> ProcessAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Bodies up to four times the limit are still read, so that the sender of an oversized request gets an error.
        var readLimit = (_options.MaxMessageBytes + WireLimits.DeliveryOverheadBytes) * 4;
        var body = await DeliveryResponse.ReadBodyAsync(request, readLimit, cancellationToken);
        if (body is not { } bytes)
        {
            // Unread, so neither its id nor its session is known.
            Log.DroppedUnreadableEvent(logger, readLimit);
            metrics.Dropped(DropReasons.TooLarge, _options.Topic);
            return (DeliveryStatus.Drop, null);
        }

        var decoded = codec.Decode(bytes, _options.MaxMessageBytes);
        var topic = decoded.Envelope?.Topic;
        if (decoded.Error == WireError.None && decoded.Envelope!.ReplyTo is null && decoded.Envelope.Type == McpCloudEventTypes.Message)
        {
            decoded = DecodeResult.Fail(WireError.MissingAttribute, $"The event has no {McpCloudEventAttributes.ReplyTo} attribute.", decoded.Envelope);
        }

        // Every line logged about this event from here on carries its id and session.
        using var scope = decoded.Envelope is { } partial ? Log.BeginMessageScope(logger, partial) : null;
        if (decoded.Envelope?.ReplyTo is { } replyTo)
        {
            // Checked on every event that names an address, well formed or not (an oversized request is answered
            // there), so that nothing is ever sent to a refused address and no session or lane is opened with one.
            // A refusal is final: the event is dropped, never retried.
            try
            {
                if (await routes.RefusalAsync(replyTo, cancellationToken) is { } reason)
                {
                    Log.ReplyAddressRefused(logger, decoded.Envelope.Id, decoded.Envelope.SessionId, decoded.Envelope.Source, replyTo.ToString(), reason);
                    metrics.Dropped(DropReasons.ReplyAddressRefused, topic ?? _options.Topic);
                    return (DeliveryStatus.Drop, topic);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The sidecar's metadata or the secret store could not be read: a transient failure.
                Log.RetryingEvent(logger, decoded.Envelope.Id, decoded.Envelope.SessionId, ex.Message);
                return (DeliveryStatus.Retry, topic);
            }
        }

        if (decoded.Error != WireError.None)
        {
            return (await RejectAsync(bytes, decoded, topic ?? _options.Topic, cancellationToken), topic);
        }

        var envelope = decoded.Envelope!;
        using var activity = Telemetry.StartProcess(envelope, _options.Route);
        Log.Received(logger, envelope.Id, envelope.SessionId, Telemetry.MethodOf(envelope), envelope.Source, topic ?? _options.Topic);
        if (envelope.Message is { } message)
        {
            // Tools can read the id (McpDaprTelemetry.MessageIdOf) to log what the client logs, and the sender.
            MessageIds.SetDelivered(message, envelope.Id, envelope.Source);
            MessageIds.SetReplyPath(message, new DeliveredReplyPath(envelope.ReplyTo?.ToString(), envelope.SessionId, envelope.Connection));
        }

        if (envelope.Message is JsonRpcRequest { Method: RequestMethods.Initialize } initialize && envelope.SessionId is null &&
            InitializeParamsCheck.Fault(initialize.Params) is { } fault)
        {
            // Refused before any host opens a session for it: a malformed initialize must not take a slot.
            Log.InitializeRefused(logger, envelope.Id, envelope.Source, fault);
            metrics.Dropped(DropReasons.MalformedJsonRpc, topic ?? _options.Topic);
            await errors.SendAsync(logger, envelope, (int)McpErrorCode.InvalidParams, $"Invalid params: {fault}", cancellationToken);
            return (DeliveryStatus.Success, topic);
        }

        if (envelope.Message is JsonRpcResponse or JsonRpcError)
        {
            // A response to a request sent on a session's behalf from another replica goes to that replica, not the session.
            foreach (var handler in responseHandlers)
            {
                if (await handler.TryHandleAsync(envelope, cancellationToken) is { } handled)
                {
                    return (handled, topic);
                }
            }
        }

        var status = envelope.Type == McpCloudEventTypes.SessionClose
            ? await host.CloseAsync(envelope, cancellationToken)
            : await host.DispatchAsync(envelope, cancellationToken);
        return (status, topic);
    }

    private async Task<DeliveryStatus> RejectAsync(ReadOnlyMemory<byte> body, DecodeResult decoded, string topic, CancellationToken cancellationToken)
    {
        var envelope = decoded.Envelope;
        Log.DroppedPoisonEvent(logger, envelope?.Id, envelope?.SessionId, envelope?.Source, decoded.Error.ToString(), LogText.Escape(decoded.Detail));
        if (decoded.Error == WireError.TooLarge && envelope is not null)
        {
            try
            {
                // The oversized request is not read, but its sender learns why it will never be answered.
                await errors.SendAsync(logger, WithRequestId(envelope, body), McpWireErrorCodes.MessageTooLarge,
                    $"The request is {body.Length} bytes, larger than the wire limit of {_options.MaxMessageBytes} bytes.", cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not ReplyDeliveryException { IsPermanent: true })
            {
                // A transient failure: retrying loses nothing, and the sender must hear why its request went unanswered.
                // A permanent one (the address refuses) would loop until the broker gives up: the event is dropped.
                Log.RetryingEvent(logger, envelope.Id, envelope.SessionId, ex.Message);
                return DeliveryStatus.Retry;
            }
            catch (ReplyDeliveryException)
            {
                // Logged by ErrorReplies; dropped below.
            }
        }

        // The sidecar forwards a dropped event to the subscription's dead-letter topic.
        metrics.Dropped(DropReasons.Of(decoded.Error), topic);
        return DeliveryStatus.Drop;
    }

    // Reads only the "id" and "method" of an oversized JSON-RPC request, so that it can be answered.
    private static McpEnvelope WithRequestId(McpEnvelope envelope, ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object &&
                data.TryGetProperty("id", out var id) && data.TryGetProperty("method", out var method))
            {
                var request = new ModelContextProtocol.Protocol.JsonRpcRequest
                {
                    Id = id.ValueKind == JsonValueKind.Number
                        ? new ModelContextProtocol.Protocol.RequestId(id.GetInt64())
                        : new ModelContextProtocol.Protocol.RequestId(id.GetString() ?? string.Empty),
                    Method = method.GetString() ?? string.Empty,
                };
                return envelope with { Message = request };
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // An id that is neither a string nor an integer: the request cannot be answered by id.
        }

        return envelope;
    }
}
