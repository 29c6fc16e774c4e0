namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>CloudEvent attribute names and Dapr defaults (components-contrib pubsub/envelope.go).</summary>
internal static class CloudEventFields
{
    public const string Id = "id";
    public const string Source = "source";
    public const string Type = "type";
    public const string SpecVersion = "specversion";
    public const string DataContentType = "datacontenttype";
    public const string Data = "data";
    public const string DataBase64 = "data_base64";
    public const string Topic = "topic";
    public const string PubSubName = "pubsubname";
    public const string TraceId = "traceid";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string Expiration = "expiration";
    public const string Time = "time";

    public const string DefaultType = "com.dapr.event.sent";
    public const string DefaultSource = "Dapr";
    public const string DefaultDataContentType = "text/plain";
    public const string SpecVersion10 = "1.0";
}
