using System.Collections.Concurrent;
using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Server;

using AsyncMcp.Dapr.Workflows.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>
/// The sample server (with tasks) and a client app, each beside its own emulated sidecar, over the emulator's
/// in-memory pub/sub and its workflow engine (which keeps its instances in the actor state store).
/// </summary>
internal sealed class TaskEndToEndHarness : IAsyncDisposable
{
    private readonly List<EmulatedApp> _apps = [];
    private readonly IDictionary<string, string?> _serverSettings;

    private TaskEndToEndHarness(DaprEmulator emulator, IDictionary<string, string?> serverSettings)
    {
        Emulator = emulator;
        _serverSettings = serverSettings;
    }

    public DaprEmulator Emulator { get; }

    public IReadOnlyList<EmulatedApp> Servers => _apps.Where(app => app.AppId == "server").ToList();

    public EmulatedApp Client => _apps.First(app => app.AppId == "client");

    public static async Task<TaskEndToEndHarness> StartAsync(IDictionary<string, string?>? serverSettings = null)
    {
        var emulator = new DaprEmulator(new DaprEmulatorOptions { LoggerFactory = LoggerFactory.Create(b => b.AddProvider(new TestOutputLoggerProvider())) });
        emulator.AddComponent("pubsub", "pubsub.in-memory");
        emulator.AddComponent("statestore", "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" });
        var settings = new Dictionary<string, string?>
        {
            ["SampleServer:SlowJobStepMilliseconds"] = "50",
            ["Mcp:Tasks:PollInterval"] = "00:00:00.100",
            ["Mcp:Tasks:CancelGracePeriod"] = "00:00:02",
        };
        foreach (var (key, value) in serverSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var harness = new TaskEndToEndHarness(emulator, settings);
        await harness.StartServerAsync();
        await harness.StartAppAsync("client", ClientApp.Build, new Dictionary<string, string?>());
        return harness;
    }

    /// <summary>Every log line of every app, as "Level Category: message".</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Starts a (further) replica of the server app, with <paramref name="settings"/> over the harness's own.</summary>
    public Task<EmulatedApp> StartServerAsync(IDictionary<string, string?>? settings = null)
    {
        var merged = new Dictionary<string, string?>(_serverSettings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        return StartAppAsync("server", ServerApp.Build, merged);
    }

    /// <summary>Stops a replica as when it dies: its sidecar first (nothing it does after reaches Dapr), then the app.</summary>
    public async Task StopAsync(EmulatedApp app)
    {
        _apps.Remove(app);
        await app.Sidecar.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>The server replica whose process runs the tool of <paramref name="taskId"/> now, if any.</summary>
    public EmulatedApp? RunningReplicaOf(string taskId) =>
        Servers.FirstOrDefault(app => app.App.Services.GetRequiredService<TaskExecutions>().IsRunning(taskId));

    /// <summary>Starts another client app, with its own Dapr app-id.</summary>
    public Task<EmulatedApp> StartClientAsync(string appId) => StartAppAsync(appId, ClientApp.Build, new Dictionary<string, string?>());

    public Task<McpClient> ConnectAsync(string? protocolVersion = null, McpClientHandlers? handlers = null, EmulatedApp? from = null) =>
        (from ?? Client).App.Services.GetRequiredService<PubSubClientTransport>().CreateClientAsync(
            new McpClientOptions { ProtocolVersion = protocolVersion, Handlers = handlers ?? new McpClientHandlers() },
            TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.DisposeAsync();
        }

        await Emulator.DisposeAsync();
    }

    private async Task<EmulatedApp> StartAppAsync(string appId, Func<string[], Action<WebApplicationBuilder>, WebApplication> build, IDictionary<string, string?> settings)
    {
        var configuration = new Dictionary<string, string?>(settings) { ["Mcp:PubSub:AppId"] = appId };
        var app = await Emulator.StartAppAsync(appId, build, configuration, configure: builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new TestOutputLoggerProvider(Logs));
            if (appId == "server")
            {
                // Tools that hold until the test lets them go, for the fault tests.
                builder.Services.AddMcpServer().WithTools<HeldTools>();
            }
        }, cancellationToken: TestContext.Current.CancellationToken);
        _apps.Add(app);
        return app;
    }
}
