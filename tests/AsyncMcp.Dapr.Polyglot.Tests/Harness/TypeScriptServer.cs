using AsyncMcp.Dapr.Emulator;

namespace AsyncMcp.Dapr.Polyglot.Tests;

/// <summary>
/// The TypeScript MCP server (<c>TypeScript/ts-server.mjs</c>: the official SDK's <c>McpServer</c> on the
/// asyncmcp-dapr server transport) as a Node process with its own emulated sidecar, subscribed to <see cref="Topic"/>.
/// </summary>
internal sealed class TypeScriptServer : IAsyncDisposable
{
    public const string AppId = "ts-server";
    public const string Topic = "ts-requests";

    private TypeScriptServer(DaprSidecar sidecar, NodeApp node, Uri address)
    {
        Sidecar = sidecar;
        Node = node;
        Address = address;
    }

    public DaprSidecar Sidecar { get; }

    public NodeApp Node { get; }

    /// <summary>The Node app's own HTTP address (where its sidecar delivers).</summary>
    public Uri Address { get; }

    /// <summary>Settings that point a C# client app (or the proxy) of the harness at this server.</summary>
    public static Dictionary<string, string?> ClientSettings => new() { ["Mcp:PubSub:ServerTopic"] = Topic };

    public static async Task<TypeScriptServer> StartAsync(DaprEmulator emulator, IReadOnlyDictionary<string, string>? environment = null)
    {
        TypeScriptFolders.EnsureInstalled();
        var sidecar = await emulator.StartSidecarAsync(AppId);
        var variables = new Dictionary<string, string>
        {
            ["APP_ID"] = AppId,
            ["SERVER_TOPIC"] = Topic,
            ["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString(),
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        var node = NodeApp.Start("ts-server.mjs", variables);
        var port = (await node.NextAsync("listening")).GetProperty("port").GetInt32();
        var address = new Uri($"http://127.0.0.1:{port}");
        await sidecar.AttachAppAsync(address);
        return new TypeScriptServer(sidecar, node, address);
    }

    public async ValueTask DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        await Node.DisposeAsync();
    }
}
