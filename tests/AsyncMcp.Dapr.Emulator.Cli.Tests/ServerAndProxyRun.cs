using System.Globalization;
using AsyncMcp.Dapr.Emulator.RunFiles;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Emulator.Cli.Tests;

/// <summary>
/// The server (actor sessions) and the proxy of dapr.yaml as a run file of their own: the built apps on free ports,
/// health-checked server, components/local. Outside MCP clients reach the server through the proxy's Streamable HTTP.
/// </summary>
internal sealed class ServerAndProxyRun : IAsyncDisposable
{
    /// <summary>How long one call may take before it counts as hung.</summary>
    public static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(30);

    private readonly string _folder;

    private ServerAndProxyRun(string folder, MultiAppRun run, RecordedOutput output, int proxyPort)
    {
        _folder = folder;
        Run = run;
        Output = output;
        ProxyEndpoint = new Uri($"http://127.0.0.1:{proxyPort}/mcp");
    }

    public MultiAppRun Run { get; }

    public RecordedOutput Output { get; }

    public Uri ProxyEndpoint { get; }

    public AppReplica Proxy => Run.Replica("proxy");

    public AppReplica Server => Run.Replica("server");

    /// <param name="serverReplicas">Server processes.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="actorSessions">Sessions as actors (true) or in the server's memory.</param>
    /// <param name="drainPeriod">Every app's <c>Mcp:Shutdown:DrainPeriod</c>; the default when null.</param>
    /// <param name="workflowSessions">Sessions as workflow instances (when <paramref name="actorSessions"/> is false).</param>
    public static async Task<ServerAndProxyRun> StartAsync(
        int serverReplicas, CancellationToken cancellationToken, bool actorSessions = true, TimeSpan? drainPeriod = null, bool workflowSessions = false)
    {
        var drain = (drainPeriod ?? new AsyncMcp.Dapr.Hosting.McpShutdownOptions().DrainPeriod).ToString("c", CultureInfo.InvariantCulture);
        var folder = Directory.CreateTempSubdirectory("runfile-faults-").FullName;
        var (serverPort, proxyPort) = (AppProcessTests.FreePort(), AppProcessTests.FreePort());
        var path = Path.Combine(folder, "dapr.yaml");
        await File.WriteAllTextAsync(path, $"""
            version: 1
            common:
              resourcesPaths: ["{Repository.PathOf("components/local")}"]
              appLogDestination: console
              daprdLogDestination: console
            apps:
            - appID: server
              appDirPath: "{Repository.PathOf("src/AsyncMcp.Dapr.Server")}"
              appPort: {serverPort}
              enableAppHealthCheck: true
              appHealthCheckPath: /healthz
              appHealthProbeInterval: 1
              command: ["dotnet", "{Repository.BuiltAssembly("AsyncMcp.Dapr.Server")}", "--urls", "http://127.0.0.1:{serverPort}"]
              env:
                Mcp__Sessions__Actors: "{(actorSessions ? "true" : "false")}"
                Mcp__Sessions__Workflows: "{(workflowSessions ? "true" : "false")}"
                Mcp__Shutdown__DrainPeriod: "{drain}"
                Mcp__Sessions__InFlightCheckInterval: "00:00:00.200"
                Logging__LogLevel__Default: Information
            - appID: proxy
              appDirPath: "{Repository.PathOf("src/AsyncMcp.Dapr.Proxy")}"
              appPort: {proxyPort}
              command: ["dotnet", "{Repository.BuiltAssembly("AsyncMcp.Dapr.Proxy")}", "--urls", "http://127.0.0.1:{proxyPort}"]
              env:
                Mcp__Shutdown__DrainPeriod: "{drain}"
            """, cancellationToken);
        var output = new RecordedOutput();
        var options = new MultiAppRunOptions { Output = output };
        options.Replicas["server"] = serverReplicas;
        var run = await MultiAppRun.StartAsync(RunFile.Load(path), options, cancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"start-up: {serverReplicas} server replica(s) and the proxy attached in {run.StartupTime.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        return new ServerAndProxyRun(folder, run, output, proxyPort);
    }

    /// <summary>An outside MCP client with a session (protocol 2025-11-25) through the proxy.</summary>
    public async Task<McpClient> ConnectAsync(CancellationToken cancellationToken) =>
        await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions { Endpoint = ProxyEndpoint }),
            new McpClientOptions { ProtocolVersion = "2025-11-25" },
            cancellationToken: cancellationToken);

    public static async Task<string> EchoAsync(McpClient client, string text, CancellationToken cancellationToken, TimeSpan? within = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(within ?? CallDeadline);
        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = text }, cancellationToken: deadline.Token);
        return string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));
    }

    /// <summary>
    /// Runs the calls and sorts each outcome: answered (the echo came back), failed (an exception that is not the
    /// deadline: a clear error), hung (the deadline passed: <see cref="CallDeadline"/> unless <paramref name="within"/> says
    /// otherwise). Lost is a call answered with the wrong text.
    /// </summary>
    public static async Task<Outcomes> CallAllAsync(McpClient client, IEnumerable<string> texts, CancellationToken cancellationToken, TimeSpan? within = null)
    {
        var deadline = within ?? CallDeadline;
        var calls = texts.Select(async text =>
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                return await EchoAsync(client, text, cancellationToken, deadline) == text ? Outcome.Answered : Outcome.Lost;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Only the deadline makes a hang; a call the client's transport cancels early (its session closed
                // under it) ended with an error, which is what a dropped session should give.
                return started.Elapsed >= deadline ? Outcome.Hung : Outcome.Failed;
            }
            catch (Exception e) when (e is McpException or HttpRequestException)
            {
                return Outcome.Failed;
            }
        }).ToList();
        var outcomes = await Task.WhenAll(calls);
        return new Outcomes(outcomes.Count(o => o == Outcome.Answered), outcomes.Count(o => o == Outcome.Failed), outcomes.Count(o => o == Outcome.Lost), outcomes.Count(o => o == Outcome.Hung));
    }

    public async ValueTask DisposeAsync()
    {
        await Run.DisposeAsync();

        // Shown with a failed test: what the apps and the sidecars said.
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(Environment.NewLine, Output.Lines.TakeLast(300)));
        Directory.Delete(_folder, recursive: true);
    }

    internal enum Outcome
    {
        Answered,
        Failed,
        Lost,
        Hung,
    }

    internal readonly record struct Outcomes(int Answered, int Failed, int Lost, int Hung);
}
