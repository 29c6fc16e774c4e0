using System.Buffers;
using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Proxy;
using AsyncMcp.Dapr.Server;
using ModelContextProtocol.Client;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>
/// The sample server reachable two ways in one process: directly over Streamable HTTP, and over Dapr pub/sub through
/// the emulator, with the sample client app holding the reply endpoint.
/// </summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    private readonly List<EmulatedApp> _apps = [];

    private readonly DaprEmulator _emulator;

    private BenchEnvironment(DaprEmulator emulator) => _emulator = emulator;

    private WebApplication? _loopback;

    /// <summary>A bare HTTP endpoint that sends the request's body back: one loopback exchange and nothing else.</summary>
    public Uri LoopbackEndpoint { get; private set; } = null!;

    /// <summary>The pub/sub round trip without MCP: the transport under the pub/sub paths.</summary>
    public PubSubRoundTrip RoundTrip { get; } = new();

    /// <summary>The same round trip with both apps on streaming subscriptions.</summary>
    public PubSubRoundTrip StreamedRoundTrip { get; } = new(streamed: true);

    /// <summary>The client of <see cref="LoopbackEndpoint"/>, pooling its connections as the MCP clients do.</summary>
    public HttpClient LoopbackClient { get; } = new();

    public Uri DirectEndpoint { get; private set; } = null!;

    public PubSubClientTransport PubSubTransport { get; private set; } = null!;

    /// <summary>A client app whose replies come back by signed webhook through a Dapr HTTP output binding.</summary>
    public PubSubClientTransport WebhookTransport { get; private set; } = null!;

    /// <summary>The proxy's MCP endpoint: standard Streamable HTTP in front, Dapr pub/sub behind.</summary>
    public Uri ProxyEndpoint { get; private set; } = null!;

    /// <summary>A client app whose server hosts each session as a Dapr actor (the sample server with actor sessions on).</summary>
    public PubSubClientTransport ActorSessionsTransport { get; private set; } = null!;

    public static async Task<BenchEnvironment> StartAsync()
    {
        // Nothing is recorded: daprd keeps no copy of what it carries, and a growing log would tax the collector.
        var emulator = new DaprEmulator(new DaprEmulatorOptions { MaxConcurrentDeliveriesPerSidecar = 256, RecordPublished = false });
        emulator.AddComponent("pubsub", "pubsub.in-memory");
        emulator.AddComponent(StateStore, "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" });

        // The webhook route: the binding's URL is the webhook client's address, so that client gets a fixed port.
        var secret = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var secretsFile = Path.Combine(Directory.CreateTempSubdirectory("asyncmcp-bench-").FullName, "secrets.json");
        await File.WriteAllTextAsync(secretsFile, $$"""{"mcp-webhook-{{ReplyBinding}}": "{{secret}}"}""");
        emulator.AddComponent("secretstore", "secretstores.local.file", new Dictionary<string, string> { ["secretsFile"] = secretsFile });
        var webhookPort = FreePort();
        emulator.AddComponent(ReplyBinding, "bindings.http", new Dictionary<string, string> { ["url"] = $"http://127.0.0.1:{webhookPort}" });
        var environment = new BenchEnvironment(emulator);

        // The sample server serves the same tools on its Streamable HTTP door at /mcp.
        // echo may also run as an MCP task (a workflow instance per call): the tasks path calls it that way.
        var server = await environment.StartAsync("server", ServerApp.Build, new Dictionary<string, string?>
        {
            ["Mcp:Webhooks:SecretStore"] = "secretstore",
            ["Mcp:Tasks:Tools:echo"] = "Optional",
        });
        environment.DirectEndpoint = new Uri(server.Address, "/mcp");

        var client = await environment.StartAsync("client", ClientApp.Build, null);
        environment.PubSubTransport = client.App.Services.GetRequiredService<PubSubClientTransport>();
        var webhookClient = await environment.StartAsync("webhook-client", ClientApp.Build, new Dictionary<string, string?>
        {
            ["Mcp:PubSub:ReplyBinding"] = ReplyBinding,
            ["Mcp:Webhooks:Secrets"] = secret,
        }, $"http://127.0.0.1:{webhookPort}");
        environment.WebhookTransport = webhookClient.App.Services.GetRequiredService<PubSubClientTransport>();

        var proxy = await environment.StartAsync("proxy", (args, configure) => ProxyApp.Build(args, configure), new Dictionary<string, string?>
        {
            ["Proxy:InstanceId"] = "bench",
            ["Proxy:MaxSessions"] = "10000",
        });
        environment.ProxyEndpoint = new Uri(proxy.Address, "/mcp");

        // The same sample server with sessions on actors, then on workflows, each on a topic of its own with a client app
        // that talks to it.
        environment.ActorSessionsTransport = await environment.StartDurableHostAsync("actors", "Mcp:Sessions:Actors", ActorSessionsTopic);
        environment.WorkflowSessionsTransport = await environment.StartDurableHostAsync("workflows", "Mcp:Sessions:Workflows", WorkflowSessionsTopic);
        await environment.StartLoopbackAsync();
        await environment.StartAsync("bench-echo", environment.RoundTrip.BuildEcho, null);
        await environment.StartAsync("bench-caller", environment.RoundTrip.BuildCaller, null);
        await environment.StartAsync("bench-stream-echo", environment.StreamedRoundTrip.BuildEcho, null);
        await environment.StartAsync("bench-stream-caller", environment.StreamedRoundTrip.BuildCaller, null);
        return environment;
    }

    /// <summary>A client app whose server hosts each session as a Dapr workflow instance.</summary>
    public PubSubClientTransport WorkflowSessionsTransport { get; private set; } = null!;

    /// <summary>State operations applied by every emulated state store, reminder calls to the actor runtime, and publish calls, so far.</summary>
    public SidecarWork Work() => new(
        _emulator.StateStore(StateStore)!.Writes,
        _emulator.Actors.ReminderCalls,
        _emulator.PublishCounts.Calls,
        _emulator.PublishCounts.Messages);

    /// <summary>The bytes of every key and value in the state store now.</summary>
    public long StateBytes() => _emulator.StateStore(StateStore)!.Size(static _ => true).Bytes;

    public Task<McpClient> ConnectDirectAsync(string? protocolVersion, CancellationToken cancellationToken) =>
        McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = DirectEndpoint }),
            new McpClientOptions { ProtocolVersion = protocolVersion },
            cancellationToken: cancellationToken);

    public Task<McpClient> ConnectProxyAsync(string? protocolVersion, CancellationToken cancellationToken) =>
        McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = ProxyEndpoint }),
            new McpClientOptions { ProtocolVersion = protocolVersion },
            cancellationToken: cancellationToken);

    public Task<McpClient> ConnectPubSubAsync(string? protocolVersion, CancellationToken cancellationToken) =>
        PubSubTransport.CreateClientAsync(new McpClientOptions { ProtocolVersion = protocolVersion }, cancellationToken);

    public Task<McpClient> ConnectWebhookAsync(string? protocolVersion, CancellationToken cancellationToken) =>
        WebhookTransport.CreateClientAsync(new McpClientOptions { ProtocolVersion = protocolVersion }, cancellationToken);

    public Task<McpClient> ConnectActorSessionsAsync(string? protocolVersion, CancellationToken cancellationToken) =>
        ActorSessionsTransport.CreateClientAsync(new McpClientOptions { ProtocolVersion = protocolVersion }, cancellationToken);

    public Task<McpClient> ConnectWorkflowSessionsAsync(string? protocolVersion, CancellationToken cancellationToken) =>
        WorkflowSessionsTransport.CreateClientAsync(new McpClientOptions { ProtocolVersion = protocolVersion }, cancellationToken);

    private const string ReplyBinding = "client-replies";

    private const string StateStore = "statestore";

    private const string ActorSessionsTopic = "mcp-actor-requests";

    private const string WorkflowSessionsTopic = "mcp-workflow-requests";

    /// <summary>A loopback port free at the time of the call.</summary>
    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        LoopbackClient.Dispose();
        if (_loopback is not null)
        {
            await _loopback.DisposeAsync();
        }

        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.DisposeAsync();
        }

        await _emulator.DisposeAsync();
    }

    // The unit every path is made of: Kestrel and HttpClient on loopback, with a body the size of a tools/call.
    private async Task StartLoopbackAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = FreePort();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapPost("/echo", static async context =>
        {
            var body = await context.Request.BodyReader.ReadAtLeastAsync(int.MaxValue, context.RequestAborted);
            var bytes = body.Buffer.ToArray();
            context.Request.BodyReader.AdvanceTo(body.Buffer.End);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        });
        await app.StartAsync();
        _loopback = app;
        LoopbackEndpoint = new Uri($"http://127.0.0.1:{port}/echo");
    }

    // A server app whose sessions live in the host the switch turns on, and a client app that publishes to its topic.
    private async Task<PubSubClientTransport> StartDurableHostAsync(string host, string hostSwitch, string topic)
    {
        await StartAsync("server-" + host, ServerApp.Build, new Dictionary<string, string?>
        {
            ["Mcp:PubSub:Topic"] = topic,
            ["Mcp:PubSub:MaxSessions"] = "100000",
            [hostSwitch] = "true",
        });
        var client = await StartAsync(host + "-client", ClientApp.Build, new Dictionary<string, string?> { ["Mcp:PubSub:ServerTopic"] = topic });
        return client.App.Services.GetRequiredService<PubSubClientTransport>();
    }

    private async Task<EmulatedApp> StartAsync(
        string appId,
        Func<string[], Action<WebApplicationBuilder>, WebApplication> build,
        IDictionary<string, string?>? settings,
        string url = "http://127.0.0.1:0")
    {
        var configuration = new Dictionary<string, string?> { ["Mcp:PubSub:AppId"] = appId };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var app = await _emulator.StartAppAsync(appId, build, configuration, url, builder => builder.Logging.ClearProviders());
        _apps.Add(app);
        return app;
    }
}
