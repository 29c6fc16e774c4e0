namespace AsyncMcp.Dapr.Proxy.Forwarding;

/// <summary>JSON-RPC error codes the proxy itself answers with (documented in docs/proxy.md).</summary>
public static class ProxyErrorCodes
{
    /// <summary>The server did not answer within <c>Proxy:RequestTimeout</c>; the proxy told it to cancel.</summary>
    public const int BackendTimeout = -32030;

    /// <summary>The request could not be handed to the server (e.g. the sidecar is down).</summary>
    public const int BackendUnavailable = -32031;

    /// <summary>The proxy has <c>Proxy:MaxSessions</c> front sessions open and refuses another.</summary>
    public const int TooManySessions = -32032;
}
