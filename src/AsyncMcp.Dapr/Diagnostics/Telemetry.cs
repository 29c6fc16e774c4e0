using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AsyncMcp.Dapr.Wire;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Diagnostics;

/// <summary>
/// The spans and instruments of the library. A publish is a producer span whose context travels to the sidecar in
/// the publish call's <c>traceparent</c> header; daprd stamps its own child context on the delivered event, and the
/// receiving side continues the trace from there with a consumer span.
/// </summary>
internal static class Telemetry
{
    private static readonly ActivitySource Source = new(McpDaprTelemetry.ActivitySourceName);
    private static readonly Meter Meter = new(McpDaprTelemetry.MeterName);

    public static readonly Counter<long> MessagesOut = Meter.CreateCounter<long>(
        "asyncmcp.messages.published", "{message}", "MCP messages sent, by destination (topic, or binding for webhook replies).");

    public static readonly Counter<long> MessagesIn = Meter.CreateCounter<long>(
        "asyncmcp.messages.delivered", "{message}", "MCP messages delivered by the sidecar, by topic, route and outcome (Success, Retry, Drop).");

    public static readonly Counter<long> MessagesDropped = Meter.CreateCounter<long>(
        "asyncmcp.messages.dropped", "{message}", "Messages that were not processed, by reason (error.type) and topic.");

    public static readonly Counter<long> MessagesDeadLettered = Meter.CreateCounter<long>(
        "asyncmcp.messages.dead_lettered", "{message}", "Dead letters read from the dead-letter topic, by the topic they were first published to.");

    public static readonly Counter<long> Redelivered = Meter.CreateCounter<long>(
        "asyncmcp.messages.redelivered", "{message}", "Deliveries of an event already processed (broker redeliveries and duplicates), dropped by de-duplication.");

    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "asyncmcp.client.request.duration", "s", "Time from publishing a request to receiving its answer, by MCP method.");

    private static readonly ConcurrentDictionary<object, Func<int>> OpenSessionSources = new();

    // One gauge for the process, created on first use: it sums the session hosts observed now.
    private static readonly Lazy<ObservableGauge<int>> OpenSessions = new(() => Meter.CreateObservableGauge(
        "asyncmcp.sessions.open", () => OpenSessionSources.Values.Sum(source => source()), "{session}", "MCP sessions open in this process."));

    /// <summary>Counts the open sessions of a session host in <c>asyncmcp.sessions.open</c> until the result is disposed.</summary>
    public static IDisposable ObserveOpenSessions(Func<int> openSessions)
    {
        var key = new object();
        OpenSessionSources[key] = openSessions;
        _ = OpenSessions.Value;
        return new Observation(key);
    }

    /// <summary>Starts the producer span of one publish.</summary>
    public static Activity? StartPublish(JsonRpcMessage message, string destination, string? sessionId)
    {
        MessagesOut.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", destination));
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

    /// <summary>Counts one delivered event with its outcome.</summary>
    /// <param name="topic">The topic it came from: its CloudEvent <c>topic</c> attribute (set by daprd), else the subscribed topic.</param>
    /// <param name="route">The subscription route it was delivered to.</param>
    /// <param name="outcome">What the sidecar was told.</param>
    public static void Delivered(string topic, string route, Wire.DeliveryStatus outcome) =>
        MessagesIn.Add(1,
            new KeyValuePair<string, object?>("messaging.destination.name", topic),
            new KeyValuePair<string, object?>("url.path", route),
            new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));

    /// <summary>Counts one message that was not processed.</summary>
    /// <param name="reason">One of <see cref="DropReasons"/>.</param>
    /// <param name="topic">The topic it came from or was bound for, when there is one (not for webhooks).</param>
    public static void Dropped(string reason, string? topic)
    {
        if (topic is null)
        {
            MessagesDropped.Add(1, new KeyValuePair<string, object?>("error.type", reason));
            return;
        }

        MessagesDropped.Add(1, new KeyValuePair<string, object?>("error.type", reason), new KeyValuePair<string, object?>("messaging.destination.name", topic));
    }

    /// <summary>Counts one dead letter read from the dead-letter topic.</summary>
    /// <param name="originalTopic">The topic the event was published to before it was dead-lettered, when it can be read.</param>
    public static void DeadLettered(string? originalTopic)
    {
        if (originalTopic is null)
        {
            MessagesDeadLettered.Add(1);
            return;
        }

        MessagesDeadLettered.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", originalTopic));
    }

    /// <summary>The destination name of a reply address: the topic, or the binding of a webhook reply.</summary>
    public static string DestinationOf(ReplyAddress address) => address.IsBinding ? address.Component : address.Target;

    /// <summary>The MCP method of a message, <c>response</c> or <c>error</c> for answers.</summary>
    public static string MethodOf(JsonRpcMessage message) => NameOf(message);

    /// <summary>The MCP method of an event's message, or the event type of an event without one (a session close).</summary>
    public static string MethodOf(McpEnvelope envelope) => envelope.Message is { } message ? NameOf(message) : envelope.Type;

    private static string OutcomeName(Wire.DeliveryStatus outcome) => outcome switch
    {
        Wire.DeliveryStatus.Success => "Success",
        Wire.DeliveryStatus.Retry => "Retry",
        _ => "Drop",
    };

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

    private sealed class Observation(object key) : IDisposable
    {
        public void Dispose() => OpenSessionSources.TryRemove(key, out _);
    }

    private static string NameOf(JsonRpcMessage message) => message switch
    {
        JsonRpcRequest request => request.Method,
        JsonRpcNotification notification => notification.Method,
        JsonRpcError => "error",
        _ => "response",
    };
}
