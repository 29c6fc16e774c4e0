using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace AsyncMcp.Dapr.Tests.Common;

/// <summary>
/// The whole path in one process, over real sockets: the sample server and a client app, each with its own emulated
/// Dapr sidecar, sharing one emulated broker.
/// </summary>
internal sealed class DaprMcpHarness : IAsyncDisposable
{
    public const string PubSub = "pubsub";
    public const string ServerTopic = "mcp-requests";
    public const string DeadLetterTopic = "mcp-deadletters";
    public const string ReplyBinding = "client-replies";
    public const string SecretStore = "secretstore";

    /// <summary>The Standard Webhooks secret shared by the server (through the secret store) and the client (configuration).</summary>
    public static readonly string WebhookSecret = "whsec_" + Convert.ToBase64String("asyncmcp-dapr-end-to-end-secret!"u8);
    public const string StateStore = "statestore";

    private readonly List<EmulatedApp> _apps = [];
    private Action<WebApplicationBuilder>? _configureApps;

    private DaprMcpHarness(DaprEmulator emulator) => Emulator = emulator;

    public DaprEmulator Emulator { get; }

    public EmulatedApp Server => _apps.First(app => app.AppId == "server");

    /// <summary>Every running replica of the server app.</summary>
    public IReadOnlyList<EmulatedApp> Servers => _apps.Where(app => app.AppId == "server").ToList();

    public EmulatedApp Client => _apps.First(app => app.AppId == "client");

    public PubSubClientTransport Transport => Client.App.Services.GetRequiredService<PubSubClientTransport>();

    /// <summary>Between the reply binding and the client app, when replies come by webhook.</summary>
    public WebhookGate? Gate { get; private set; }

    private string? _secretsFolder;

    /// <param name="serverSettings">Configuration of the server app, e.g. <c>Mcp:PubSub:MaxSessions</c>.</param>
    /// <param name="clientSettings">Configuration of the client app.</param>
    /// <param name="configureApps">Changes to the builder of every app the harness starts, e.g. a logger that records.</param>
    public static Task<DaprMcpHarness> StartAsync(
        IDictionary<string, string?>? serverSettings = null,
        IDictionary<string, string?>? clientSettings = null,
        Action<WebApplicationBuilder>? configureApps = null)
    {
        var emulator = new DaprEmulator(Options);
        emulator.AddComponent(PubSub, "pubsub.in-memory");
        emulator.AddComponent(StateStore, "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" });
        return StartAsync(emulator, serverSettings, clientSettings, configureApps);
    }

    /// <summary>The emulator settings every harness uses.</summary>
    public static DaprEmulatorOptions Options => new() { LoggerFactory = TestLogging.Factory };

    /// <summary>Starts the server and the client app on a given emulator, e.g. one loaded from component files.</summary>
    public static async Task<DaprMcpHarness> StartAsync(
        DaprEmulator emulator,
        IDictionary<string, string?>? serverSettings = null,
        IDictionary<string, string?>? clientSettings = null,
        Action<WebApplicationBuilder>? configureApps = null)
    {
        var harness = new DaprMcpHarness(emulator) { _configureApps = configureApps };
        await harness.StartServerAsync("server", serverSettings);
        await harness.StartAppAsync("client", ClientApp.Build, clientSettings);
        return harness;
    }

    /// <summary>
    /// The same, with replies by signed webhook: the client names the HTTP output binding <see cref="ReplyBinding"/>,
    /// whose URL (in the emulated sidecars) points at a <see cref="WebhookGate"/> in front of the client app; the
    /// server reads the signing secret from a local-file secret store, the client from its configuration.
    /// </summary>
    public static async Task<DaprMcpHarness> StartWithWebhooksAsync(
        IDictionary<string, string?>? serverSettings = null,
        IDictionary<string, string?>? clientSettings = null,
        Action<WebApplicationBuilder>? configureApps = null)
    {
        var emulator = new DaprEmulator(new DaprEmulatorOptions { LoggerFactory = TestLogging.Factory });
        emulator.AddComponent(PubSub, "pubsub.in-memory");
        emulator.AddComponent(StateStore, "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" });
        var harness = new DaprMcpHarness(emulator)
        {
            _secretsFolder = Directory.CreateTempSubdirectory("asyncmcp-secrets-").FullName,
            _configureApps = configureApps,
        };
        var secretsFile = Path.Combine(harness._secretsFolder, "secrets.json");
        await File.WriteAllTextAsync(secretsFile, $$"""{"mcp-webhook-{{ReplyBinding}}": "{{WebhookSecret}}"}""");
        emulator.AddComponent(SecretStore, "secretstores.local.file", new Dictionary<string, string> { ["secretsFile"] = secretsFile });
        harness.Gate = await WebhookGate.StartAsync();
        emulator.AddComponent(ReplyBinding, "bindings.http", new Dictionary<string, string> { ["url"] = harness.Gate.Url.ToString() });

        var server = new Dictionary<string, string?>
        {
            ["Mcp:Webhooks:SecretStore"] = SecretStore,
            ["Mcp:Webhooks:FirstRetryDelay"] = "00:00:00.050",
            ["Mcp:Webhooks:MaxRetryDelay"] = "00:00:00.200",
        };
        var client = new Dictionary<string, string?>
        {
            ["Mcp:PubSub:ReplyBinding"] = ReplyBinding,
            ["Mcp:Webhooks:Secrets"] = WebhookSecret,
        };
        foreach (var (key, value) in serverSettings ?? new Dictionary<string, string?>())
        {
            server[key] = value;
        }

        foreach (var (key, value) in clientSettings ?? new Dictionary<string, string?>())
        {
            client[key] = value;
        }

        await harness.StartServerAsync("server", server);
        var clientApp = await harness.StartAppAsync("client", ClientApp.Build, client);
        harness.Gate.Target = clientApp.Address;
        return harness;
    }

    public Task<EmulatedApp> StartServerAsync(string appId, IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null) =>
        StartAppAsync(appId, ServerApp.Build, new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["SampleServer:SlowJobStepMilliseconds"] = settings?.TryGetValue("SampleServer:SlowJobStepMilliseconds", out var step) == true ? step : "20",
        }, configure);

    /// <summary>Stops an app and its sidecar together, as when a replica dies.</summary>
    public async Task StopAsync(EmulatedApp app)
    {
        _apps.Remove(app);
        await app.DisposeAsync();
    }

    public async Task<EmulatedApp> StartAppAsync(
        string appId,
        Func<string[], Action<WebApplicationBuilder>, WebApplication> build,
        IDictionary<string, string?>? settings,
        Action<WebApplicationBuilder>? configure = null)
    {
        var configuration = new Dictionary<string, string?> { ["Mcp:PubSub:AppId"] = appId };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var running = await Emulator.StartAppAsync(appId, build, configuration, configure: builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(TestLogging.Provider);
            _configureApps?.Invoke(builder);
            configure?.Invoke(builder);
        });
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
        if (Gate is not null)
        {
            await Gate.DisposeAsync();
        }

        if (_secretsFolder is not null)
        {
            Directory.Delete(_secretsFolder, recursive: true);
        }
    }
}
