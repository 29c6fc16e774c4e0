using System.Diagnostics;
using AsyncMcp.Dapr.Wire;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Diagnostics;

/// <summary>
/// The spans of the library (its instruments are <see cref="McpDaprMetrics"/>). A publish is a producer span whose
/// context travels to the sidecar in the publish call's <c>traceparent</c> header; daprd stamps its own child context on the delivered event, and the
/// receiving side continues the trace from there with a consumer span.
/// </summary>
internal static class Telemetry
{
    private static readonly ActivitySource Source = new(McpDaprTelemetry.ActivitySourceName);

    /// <summary>Starts the producer span of one publish.</summary>
    public static Activity? StartPublish(JsonRpcMessage message, string destination, string? sessionId)
    {
        var activity = Source.StartActivity($"publish {NameOf(message)}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "dapr");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.destination.name", destination);
            Tag(activity, message, sessionId);
        }

        return activity;
    }

    /// <summary>Starts the consumer span of one delivered event, continuing the trace the event carries.</summary>
    public static Activity? StartProcess(McpEnvelope envelope, string route)
    {
        ActivityContext.TryParse(envelope.TraceParent, null, out var parent);
        var activity = Source.StartActivity($"process {(envelope.Message is { } message ? NameOf(message) : envelope.Type)}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "dapr");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.message.id", envelope.Id);
            activity.SetTag("url.path", route);
            if (envelope.Message is { } delivered)
            {
                Tag(activity, delivered, envelope.SessionId);
            }
        }

        return activity;
    }

    /// <summary>The destination name of a reply address: the topic, or the binding of a webhook reply.</summary>
    public static string DestinationOf(ReplyAddress address) => address.IsBinding ? address.Component : address.Target;

    /// <summary>The MCP method of a message, <c>response</c> or <c>error</c> for answers.</summary>
    public static string MethodOf(JsonRpcMessage message) => NameOf(message);

    /// <summary>The MCP method of an event's message, or the event type of an event without one (a session close).</summary>
    public static string MethodOf(McpEnvelope envelope) => envelope.Message is { } message ? NameOf(message) : envelope.Type;

    private static void Tag(Activity activity, JsonRpcMessage message, string? sessionId)
    {
        activity.SetTag("mcp.method.name", NameOf(message));
        if (message is JsonRpcMessageWithId { Id: var id })
        {
            activity.SetTag("jsonrpc.request.id", id.ToString());
        }

        if (sessionId is not null)
        {
            activity.SetTag("mcp.session.id", sessionId);
        }
    }

    private static string NameOf(JsonRpcMessage message) => message switch
    {
        JsonRpcRequest request => request.Method,
        JsonRpcNotification notification => notification.Method,
        JsonRpcError => "error",
        _ => "response",
    };
}
