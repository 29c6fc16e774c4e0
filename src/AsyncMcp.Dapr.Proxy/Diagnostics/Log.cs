
namespace AsyncMcp.Dapr.Proxy.Diagnostics;

/// <summary>Source-generated log messages of the proxy.</summary>
internal static partial class Log
{
    [LoggerMessage(5001, LogLevel.Warning, "Could not forward {What} to the MCP server.")]
    public static partial void ForwardFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(5002, LogLevel.Warning, "Could not route a {What} from the MCP server.")]
    public static partial void RouteFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(5003, LogLevel.Debug, "Dropped an answer ({Id}) for a request that is no longer waiting.")]
    public static partial void DroppedLateAnswer(ILogger logger, string id);

    [LoggerMessage(5004, LogLevel.Debug, "Dropped a {What} from the MCP server: the client has no open stream.")]
    public static partial void DroppedNoStream(ILogger logger, string what);

    [LoggerMessage(5005, LogLevel.Debug, "Could not send a {What} to the client.")]
    public static partial void FrontSendFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(5006, LogLevel.Warning, "The MCP server did not answer '{Method}' within {Timeout}; the request ended in an error.")]
    public static partial void RequestTimedOut(ILogger logger, string method, TimeSpan timeout);

    [LoggerMessage(5007, LogLevel.Information, "The MCP server no longer knows this session; the front session ends so that the client initializes again.")]
    public static partial void BackendSessionLost(ILogger logger);

    [LoggerMessage(5008, LogLevel.Information, "Front session {SessionId} opened ({Count} open).")]
    public static partial void SessionOpened(ILogger logger, string sessionId, int count);

    [LoggerMessage(5009, LogLevel.Information, "Front session {SessionId} closed: {Reason}.")]
    public static partial void SessionClosed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(5010, LogLevel.Warning, "Refused a front request: {Reason}.")]
    public static partial void Refused(ILogger logger, string reason);

    [LoggerMessage(5011, LogLevel.Information, "MCP proxy: {Front} in front, {Backend} behind, replies on topic {ReplyTopic}.")]
    public static partial void Started(ILogger logger, string front, string backend, string replyTopic);

    [LoggerMessage(5012, LogLevel.Information, "The stdio client closed its input; the proxy stops.")]
    public static partial void StdioClosed(ILogger logger);
}
