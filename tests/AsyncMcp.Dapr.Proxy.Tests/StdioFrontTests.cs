using AsyncMcp.Dapr.Emulator.RunFiles;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>
/// The proxy launched as a command with <c>--stdio</c>, as a desktop client launches it: a C# McpClient over the SDK's
/// stdio transport, the proxy process, its emulated sidecar, and the sample server. Any stray byte on the proxy's
/// standard output would break the client's framing.
/// </summary>
public sealed class StdioFrontTests : IAsyncLifetime
{
    private DaprMcpHarness _dapr = null!;

    public async ValueTask InitializeAsync() => _dapr = await DaprMcpHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _dapr.DisposeAsync();

    [Theory]
    [MemberData(nameof(StreamableHttpFrontTests.ProtocolVersions), MemberType = typeof(StreamableHttpFrontTests))]
    public async Task A_client_that_launches_the_proxy_with_stdio_uses_the_server_behind_it(string? protocolVersion)
    {
        var ct = TestContext.Current.CancellationToken;
        var appId = $"proxy-stdio-{protocolVersion ?? "default"}";
        var sidecar = await _dapr.Emulator.StartSidecarAsync(appId, ct);
        var appUrl = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        var stdio = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "proxy",
            Command = "dotnet",
            Arguments = [Path.Combine(AppContext.BaseDirectory, "AsyncMcp.Dapr.Proxy.dll"), "--stdio", "--urls", appUrl.ToString()],
            EnvironmentVariables = new Dictionary<string, string?>
            {
                ["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString(),
                ["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString(),
                ["APP_ID"] = appId,
                ["Proxy__InstanceId"] = "stdio-test",
            },
            StandardErrorLines = line => TestContext.Current.TestOutputHelper?.WriteLine($"[proxy stderr] {line}"),
        });

        // As daprd does, the sidecar attaches once the app listens; only then can replies reach the proxy.
        var transport = new AttachAfterStart(stdio, async () =>
        {
            await WaitUntilListeningAsync(appUrl, ct);
            await sidecar.AttachAppAsync(appUrl, ct);
        });
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ProtocolVersion = protocolVersion,
            Handlers = StreamableHttpFrontTests.AnsweringHandlers(),
        }, cancellationToken: ct);

        Assert.Equal(protocolVersion ?? "2026-07-28", client.NegotiatedProtocolVersion);
        Assert.Equal("over stdio", StreamableHttpFrontTests.Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "over stdio" }, cancellationToken: ct)));
        var progress = new List<float>();
        var job = await client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 2, ["stepMilliseconds"] = 300 },
            new Progress(value => { lock (progress) { progress.Add(value.Progress); } }), cancellationToken: ct);
        Assert.Equal("job done after 2 steps", StreamableHttpFrontTests.Text(job));
        Assert.Equal("summary from test-model: a canned summary", StreamableHttpFrontTests.Text(await client.CallToolAsync("summarize", new Dictionary<string, object?> { ["text"] = "t" }, cancellationToken: ct)));
        Assert.Equal("confirmed: ship", StreamableHttpFrontTests.Text(await client.CallToolAsync("confirm_action", new Dictionary<string, object?> { ["action"] = "ship" }, cancellationToken: ct)));
        // A broker may deliver the result before the last progress report, which then has nowhere to go: the client
        // must get progress, each report once, but not necessarily every one.
        var reported = await Wait.ValueAsync(() => { lock (progress) { return progress.ToArray(); } }, values => values.Length >= 2, ct);
        Assert.NotEmpty(reported);
        Assert.Subset(new HashSet<float> { 1f, 2f }, reported.ToHashSet());
        Assert.Equal(reported.Length, reported.Distinct().Count());
    }


    private static async Task WaitUntilListeningAsync(Uri appUrl, CancellationToken ct)
    {
        using var http = new HttpClient();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(appUrl, "/healthz"), deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    private sealed class AttachAfterStart(IClientTransport inner, Func<Task> afterStart) : IClientTransport
    {
        public string Name => inner.Name;

        public async Task<ITransport> ConnectAsync(CancellationToken cancellationToken = default)
        {
            var transport = await inner.ConnectAsync(cancellationToken);
            await afterStart();
            return transport;
        }
    }

    private sealed class Progress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
