namespace AsyncMcp.Dapr.Wire;

/// <summary>Values of the CloudEvent <c>type</c> attribute used by the wire contract.</summary>
public static class McpCloudEventTypes
{
    /// <summary>The event carries one JSON-RPC message of MCP in <c>data</c>.</summary>
    public const string Message = "io.asyncmcp.jsonrpc.v1";

    /// <summary>The client ends its session; the event has no <c>data</c>.</summary>
    public const string SessionClose = "io.asyncmcp.session.close.v1";
}
