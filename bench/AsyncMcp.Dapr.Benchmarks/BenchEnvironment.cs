using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Server;
using AsyncMcp.Dapr.Transports;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ModelContextProtocol.Client;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>
/// The sample server reachable two ways in one process: directly over Streamable HTTP, and over Dapr pub/sub through
/// the emulator, with the sample client app holding the reply endpoint.
/// </summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    private readonly List<(WebApplication App, DaprSidecar Sidecar)> _apps = [];

    private BenchEnvironment(DaprEmulator emulator) => Emulator = emulator;

    public DaprEmulator Emulator { get; }

    public Uri DirectEndpoint { get; private set; } = null!;

    public PubSubClientTransport PubSubTransport { get; private set; } = null!;

    public WebApplication Server => _apps[0].App;

    public static async Task<BenchEnvironment> StartAsync(IDictionary<string, string?>? serverSettings = null)
    {
        var emulator = new DaprEmulator(new DaprEmulatorOptions { MaxConcurrentDeliveriesPerSidecar = 256 });
        emulator.AddComponent("pubsub", "pubsub.in-memory");
        var environment = new BenchEnvironment(emulator);

        // The sample server serves the same tools on its Streamable HTTP door at /mcp.
        var server = await environment.StartAsync("server", ServerApp.Build, serverSettings);
        environment.DirectEndpoint = new Uri(Address(server) + "/mcp");

        var client = await environment.StartAsync("client", ClientApp.Build, null);
        environment.PubSubTransport = client.Services.GetRequiredService<PubSubClientTransport>();
        return environment;
    }

    public Task<McpClient> ConnectDirectAsync(string? protocolVersion, CancellationToken cancellationToken) =>
        McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = DirectEndpoint }),
            new McpClientOptions { ProtocolVersion = protocolVersion },
            cancellationToken: cancellationToken);

    public Task<McpClient> ConnectPubSubAsync(string? protocolVersion, CancellationToken cancellationToken) =>
        PubSubTransport.CreateClientAsync(new McpClientOptions { ProtocolVersion = protocolVersion }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var (app, sidecar) in Enumerable.Reverse(_apps))
        {
            await sidecar.StopAsync();
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await Emulator.DisposeAsync();
    }

    private async Task<WebApplication> StartAsync(
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
        });
        await app.StartAsync();
        await sidecar.AttachAppAsync(new Uri(Address(app)));
        _apps.Add((app, sidecar));
        return app;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}
