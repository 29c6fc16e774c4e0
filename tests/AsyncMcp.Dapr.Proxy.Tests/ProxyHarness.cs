using AsyncMcp.Dapr.Emulator;
using ModelContextProtocol.Client;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>The sample server behind the emulator (from <see cref="DaprMcpHarness"/>) and the proxy in front, in-process.</summary>
internal sealed class ProxyHarness : IAsyncDisposable
{
    private ProxyHarness(DaprMcpHarness dapr, EmulatedApp proxy, Uri endpoint)
    {
        Dapr = dapr;
        Proxy = proxy;
        Endpoint = endpoint;
    }

    public DaprMcpHarness Dapr { get; }

    public EmulatedApp Proxy { get; }

    /// <summary>The proxy's MCP endpoint, e.g. http://127.0.0.1:41234/mcp.</summary>
    public Uri Endpoint { get; }

    public static async Task<ProxyHarness> StartAsync(IDictionary<string, string?>? proxySettings = null, IDictionary<string, string?>? serverSettings = null)
    {
        var dapr = await DaprMcpHarness.StartAsync(serverSettings);
        var settings = new Dictionary<string, string?> { ["Proxy:InstanceId"] = "test-instance" };
        foreach (var (key, value) in proxySettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var proxy = await dapr.StartAppAsync("proxy", (args, configure) => ProxyApp.Build(args, configure), settings);
        return new ProxyHarness(dapr, proxy, new Uri(proxy.Address, "/mcp"));
    }

    /// <summary>
    /// The same, with the proxy's backend replies coming by signed webhook: the server's sidecar invokes the HTTP output
    /// binding <see cref="DaprMcpHarness.ReplyBinding"/>, whose gate now forwards to the proxy's webhook receiver.
    /// </summary>
    public static async Task<ProxyHarness> StartWithWebhookRepliesAsync()
    {
        var dapr = await DaprMcpHarness.StartWithWebhooksAsync();
        var proxy = await dapr.StartAppAsync("proxy", (args, configure) => ProxyApp.Build(args, configure), new Dictionary<string, string?>
        {
            ["Proxy:InstanceId"] = "webhook-instance",
            ["Proxy:Backend"] = "PubSubWithWebhookReplies",
            ["Mcp:PubSub:ReplyBinding"] = DaprMcpHarness.ReplyBinding,
            ["Mcp:Webhooks:Secrets"] = DaprMcpHarness.WebhookSecret,
        });
        dapr.Gate!.Target = proxy.Address;
        return new ProxyHarness(dapr, proxy, new Uri(proxy.Address, "/mcp"));
    }

    /// <summary>A C# MCP client over Streamable HTTP through the proxy: the SDK's default protocol, or a pinned one.</summary>
    public Task<McpClient> ConnectAsync(string? protocolVersion = null, McpClientHandlers? handlers = null, CancellationToken cancellationToken = default) =>
        McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = Endpoint, TransportMode = HttpTransportMode.StreamableHttp }),
            new McpClientOptions { ProtocolVersion = protocolVersion, Handlers = handlers ?? new McpClientHandlers() },
            cancellationToken: cancellationToken);

    public async ValueTask DisposeAsync() => await Dapr.DisposeAsync();
}
