using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Server;
using AsyncMcp.Dapr.Transports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// The whole path in one process, over real sockets: the sample server and a client app, each with its own emulated
/// Dapr sidecar, sharing one emulated broker.
/// </summary>
internal sealed class DaprMcpHarness : IAsyncDisposable
{
    public const string PubSub = "pubsub";
    public const string ServerTopic = "mcp-requests";
    public const string DeadLetterTopic = "mcp-deadletters";

    private readonly List<RunningApp> _apps = [];

    private DaprMcpHarness(DaprEmulator emulator) => Emulator = emulator;

    public DaprEmulator Emulator { get; }

    public RunningApp Server => _apps.First(app => app.AppId == "server");

    public RunningApp Client => _apps.First(app => app.AppId == "client");

    public PubSubClientTransport Transport => Client.Service<PubSubClientTransport>();

    /// <param name="serverSettings">Configuration of the server app, e.g. <c>Mcp:PubSub:MaxSessions</c>.</param>
    /// <param name="clientSettings">Configuration of the client app.</param>
    public static Task<DaprMcpHarness> StartAsync(
        IDictionary<string, string?>? serverSettings = null,
        IDictionary<string, string?>? clientSettings = null)
    {
        var emulator = new DaprEmulator(Options);
        emulator.AddComponent(PubSub, "pubsub.in-memory");
        return StartAsync(emulator, serverSettings, clientSettings);
    }

    /// <summary>The emulator settings every harness uses.</summary>
    public static DaprEmulatorOptions Options => new() { LoggerFactory = TestLogging.Factory };

    /// <summary>Starts the server and the client app on a given emulator, e.g. one loaded from component files.</summary>
    public static async Task<DaprMcpHarness> StartAsync(
        DaprEmulator emulator,
        IDictionary<string, string?>? serverSettings = null,
        IDictionary<string, string?>? clientSettings = null)
    {
        var harness = new DaprMcpHarness(emulator);
        await harness.StartServerAsync("server", serverSettings);
        await harness.StartAppAsync("client", ClientApp.Build, clientSettings);
        return harness;
    }

    public Task<RunningApp> StartServerAsync(string appId, IDictionary<string, string?>? settings = null) =>
        StartAppAsync(appId, ServerApp.Build, new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["SampleServer:SlowJobStepMilliseconds"] = settings?.TryGetValue("SampleServer:SlowJobStepMilliseconds", out var step) == true ? step : "20",
        });

    public async Task<RunningApp> StartAppAsync(
        string appId,
        Func<string[], Action<WebApplicationBuilder>, WebApplication> build,
        IDictionary<string, string?>? settings)
    {
        var sidecar = await Emulator.StartSidecarAsync(appId);
        var configuration = new Dictionary<string, string?>
        {
            ["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString(),
            ["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString(),
            ["Mcp:PubSub:AppId"] = appId,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var app = build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(configuration);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(TestLogging.Provider);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await sidecar.AttachAppAsync(new Uri(address));
        var running = new RunningApp(appId, app, sidecar);
        _apps.Add(running);
        return running;
    }

    /// <summary>Connects a new MCP client: the SDK's default protocol, or a pinned one.</summary>
    public Task<McpClient> ConnectAsync(string? protocolVersion = null, McpClientHandlers? handlers = null, CancellationToken cancellationToken = default) =>
        Transport.CreateClientAsync(new McpClientOptions { ProtocolVersion = protocolVersion, Handlers = handlers ?? new McpClientHandlers() }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.DisposeAsync();
        }

        await Emulator.DisposeAsync();
    }
}
