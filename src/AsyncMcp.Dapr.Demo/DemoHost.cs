using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Proxy;
using AsyncMcp.Dapr.Server;

namespace AsyncMcp.Dapr.Demo;

/// <summary>
/// The apps of dapr.yaml in one process: an emulated Dapr cluster loaded from a resources folder, and the server and
/// the proxy and the sample client, each wired to its own emulated sidecar through
/// the same configuration keys a real sidecar uses (DAPR_GRPC_ENDPOINT, DAPR_HTTP_ENDPOINT) and the app-ids of dapr.yaml.
/// </summary>
internal sealed class DemoHost : IAsyncDisposable
{
    private readonly List<EmulatedApp> _apps = [];
    private readonly Action<ILoggingBuilder> _logging;

    private DemoHost(DaprEmulator emulator, Action<ILoggingBuilder> logging)
    {
        Emulator = emulator;
        _logging = logging;
    }

    /// <summary>The emulated cluster.</summary>
    public DaprEmulator Emulator { get; }

    /// <summary>The apps started so far, in order.</summary>
    public IReadOnlyList<EmulatedApp> Apps => _apps;

    /// <summary>The address of the proxy's MCP endpoint (Streamable HTTP).</summary>
    public Uri ProxyEndpoint => new(_apps.First(app => app.AppId == "proxy").Address, "/mcp");

    /// <summary>The sample client's transport: MCP clients over Dapr pub/sub.</summary>
    public PubSubClientTransport ClientTransport =>
        _apps.First(app => app.AppId == "client").App.Services.GetRequiredService<PubSubClientTransport>();

    /// <summary>Loads <paramref name="componentsPath"/> into the emulator and starts the apps.</summary>
    /// <param name="componentsPath">A Dapr resources folder such as components/local.</param>
    /// <param name="options">Demo settings.</param>
    /// <param name="logging">How the apps and the emulator log.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<DemoHost> StartAsync(string componentsPath, DemoOptions options, Action<ILoggingBuilder> logging, CancellationToken cancellationToken)
    {
        var loggerFactory = LoggerFactory.Create(logging);
        var emulator = DaprEmulator.FromResources(componentsPath, new DaprEmulatorOptions { LoggerFactory = loggerFactory });
        var host = new DemoHost(emulator, logging);
        try
        {
            await host.StartAppAsync("server", ServerApp.Build, "http://127.0.0.1:0", new Dictionary<string, string?>
            {
                ["SampleServer:SlowJobStepMilliseconds"] = options.SlowJobStepMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }, cancellationToken);

            // The proxy lets any standard MCP client in: its Streamable HTTP front listens on options.ProxyUrl.
            await host.StartAppAsync("proxy", (args, configure) => ProxyApp.Build(args, configure), options.ProxyUrl, null, cancellationToken);
            await host.StartAppAsync("client", ClientApp.Build, "http://127.0.0.1:0", null, cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the apps in reverse order, then the emulator.</summary>
    public async ValueTask DisposeAsync()
    {
        // Apps first, as `dapr run` stops them: their sidecars stay up while they close their sessions.
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.App.StopAsync();
        }

        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.DisposeAsync();
        }

        _apps.Clear();
        await Emulator.DisposeAsync();
    }

    private async Task StartAppAsync(
        string appId,
        Func<string[], Action<WebApplicationBuilder>, WebApplication> build,
        string url,
        IDictionary<string, string?>? settings,
        CancellationToken cancellationToken)
    {
        var configuration = new Dictionary<string, string?> { ["Mcp:PubSub:AppId"] = appId };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        _apps.Add(await Emulator.StartAppAsync(appId, build, configuration, url, builder =>
        {
            builder.Logging.ClearProviders();
            _logging(builder.Logging);
        }, cancellationToken));
    }
}
