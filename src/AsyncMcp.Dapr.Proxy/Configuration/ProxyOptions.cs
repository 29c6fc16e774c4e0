using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Proxy.Configuration;

/// <summary>Settings of the proxy (configuration section <c>Proxy</c>).</summary>
public sealed class ProxyOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string Section = "Proxy";

    /// <summary>The host name or address the Streamable HTTP front listens on. Default: <c>localhost</c>.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>The port the front (and the sidecar's deliveries) listen on. Default: 8080.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>The path of the MCP endpoint. Default: <c>/mcp</c>.</summary>
    public string Path { get; set; } = "/mcp";

    /// <summary>
    /// Host names a front request may name in its <c>Host</c> header, and that an <c>Origin</c> header may point at
    /// (protection against DNS rebinding). <c>*</c> allows any. Default: <c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>.
    /// </summary>
    public string[]? AllowedHosts { get; set; }

    /// <summary>Further origins allowed to call the front, e.g. <c>https://app.example.com</c>.</summary>
    public string[]? AllowedOrigins { get; set; }

    /// <summary>When set, every front request must carry <c>Authorization: Bearer {token}</c>.</summary>
    public string? BearerToken { get; set; }

    /// <summary>The most front sessions (2025-11-25 clients) open at once. Default: 1000.</summary>
    public int MaxSessions { get; set; } = 1000;

    /// <summary>
    /// How long a front request waits for the server's answer before it ends in a JSON-RPC error (and the server is
    /// told to cancel). Every progress notification starts the wait again. Default: 2 minutes.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A front session with nothing in flight and no traffic for this long is closed. Default: 30 minutes.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The largest POST body the front accepts, in bytes. Default: the wire limit of one message.</summary>
    public int MaxRequestBodyBytes { get; set; } = WireLimits.DefaultMaxMessageBytes;

    /// <summary>
    /// How many backend connections for sessionless (2026-07-28) requests are kept for reuse once their request is
    /// answered. Each is a lane the server keeps (about 16 KB there) until its idle timeout; too few, and every request
    /// above that concurrency opens and closes a connection. Default: 64.
    /// </summary>
    public int MaxIdleBackendConnections { get; set; } = 64;

    /// <summary>
    /// How many events of its SSE streams each front session keeps, so that a client whose connection dropped resumes
    /// with <c>Last-Event-ID</c> and misses nothing (2025-11-25 clients). The oldest go first; 0 turns resumption off.
    /// Default: 256.
    /// </summary>
    public int ResumableEventsPerSession { get; set; } = 256;

    /// <summary>
    /// The most bytes of messages each front session keeps for resumption (the oldest go first). The proxy holds at most
    /// <see cref="MaxSessions"/> times this. Default: 1 MiB.
    /// </summary>
    public long ResumableBytesPerSession { get; set; } = 1024 * 1024;

    /// <summary>The reconnection delay the priming event of each stream gives the client (SSE <c>retry:</c>). Default: 1 second.</summary>
    public TimeSpan StreamRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The transport behind the proxy. Default: <see cref="ProxyBackend.PubSub"/>.</summary>
    public ProxyBackend Backend { get; set; } = ProxyBackend.PubSub;

    /// <summary>
    /// The id of this proxy instance; its reply topic is <c>mcp-replies-{AppId}-{InstanceId}</c> unless
    /// <c>Mcp:PubSub:ReplyTopic</c> is set. Default: the <c>HOSTNAME</c> variable (the pod name on Kubernetes), else the
    /// machine name. Instances that share a host must each be given their own.
    /// </summary>
    public string? InstanceId { get; set; }

    /// <summary>Serve one MCP client over standard input and output instead of Streamable HTTP.</summary>
    public bool Stdio { get; set; }

    /// <summary>The instance id in effect.</summary>
    internal string EffectiveInstanceId => InstanceId ?? Environment.GetEnvironmentVariable("HOSTNAME") ?? Environment.MachineName;

    /// <summary>The allowed hosts in effect.</summary>
    internal IReadOnlyList<string> EffectiveAllowedHosts => AllowedHosts is { Length: > 0 } hosts ? hosts : ["localhost", "127.0.0.1", "[::1]"];
}
