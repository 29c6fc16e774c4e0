namespace AsyncMcp.Dapr.Proxy.Diagnostics;

/// <summary>
/// Source-generated log messages of the proxy. <c>SessionId</c> is the MCP server's session id (the one the server
/// and the library's transport lines log), <c>FrontSessionId</c> the <c>Mcp-Session-Id</c> the proxy gave its client,
/// <c>MessageId</c> the CloudEvent id of the message the line is about; each is <see langword="null"/> where it does
/// not exist (a sessionless request, a session the server has not answered yet, a request never published).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(5001, LogLevel.Warning, "Could not forward {What} (message {MessageId} of session {SessionId}, front session {FrontSessionId}) to the MCP server.")]
    public static partial void ForwardFailed(ILogger logger, string what, string? messageId, string? sessionId, string? frontSessionId, Exception exception);

    [LoggerMessage(5002, LogLevel.Warning, "Could not route a {What} (message {MessageId} of session {SessionId}, front session {FrontSessionId}) from the MCP server.")]
    public static partial void RouteFailed(ILogger logger, string what, string? messageId, string? sessionId, string? frontSessionId, Exception exception);

    [LoggerMessage(5003, LogLevel.Debug, "Dropped an answer ({Id}, message {MessageId} of session {SessionId}, front session {FrontSessionId}) for a request that is no longer waiting.")]
    public static partial void DroppedLateAnswer(ILogger logger, string id, string? messageId, string? sessionId, string? frontSessionId);

    [LoggerMessage(5004, LogLevel.Debug, "Dropped a {What} (message {MessageId} of session {SessionId}, front session {FrontSessionId}) from the MCP server: the client has no open stream.")]
    public static partial void DroppedNoStream(ILogger logger, string what, string? messageId, string? sessionId, string? frontSessionId);

    [LoggerMessage(5005, LogLevel.Debug, "Could not send a {What} (message {MessageId} of session {SessionId}, front session {FrontSessionId}) to the client.")]
    public static partial void FrontSendFailed(ILogger logger, string what, string? messageId, string? sessionId, string? frontSessionId, Exception exception);

    [LoggerMessage(5006, LogLevel.Warning, "The MCP server did not answer '{Method}' (message {MessageId} of session {SessionId}, front session {FrontSessionId}) within {Timeout}; the request ended in an error.")]
    public static partial void RequestTimedOut(ILogger logger, string method, string? messageId, string? sessionId, string? frontSessionId, TimeSpan timeout);

    [LoggerMessage(5007, LogLevel.Information, "The MCP server no longer knows session {SessionId} (answer message {MessageId}); front session {FrontSessionId} ends so that the client initializes again.")]
    public static partial void BackendSessionLost(ILogger logger, string? sessionId, string? messageId, string? frontSessionId);

    [LoggerMessage(5008, LogLevel.Information, "Front session {FrontSessionId} opened ({Count} open).")]
    public static partial void SessionOpened(ILogger logger, string frontSessionId, int count);

    [LoggerMessage(5009, LogLevel.Information, "Front session {FrontSessionId} (session {SessionId} on the MCP server) closed: {Reason}.")]
    public static partial void SessionClosed(ILogger logger, string frontSessionId, string? sessionId, string reason);

    [LoggerMessage(5010, LogLevel.Warning, "Refused a front request (front session {FrontSessionId}): {Reason}.")]
    public static partial void Refused(ILogger logger, string? frontSessionId, string reason);

    [LoggerMessage(5011, LogLevel.Information, "MCP proxy: {Front} in front, {Backend} behind, replies on topic {ReplyTopic}.")]
    public static partial void Started(ILogger logger, string front, string backend, string replyTopic);

    [LoggerMessage(5012, LogLevel.Information, "The stdio client closed its input; the proxy stops.")]
    public static partial void StdioClosed(ILogger logger);
}
