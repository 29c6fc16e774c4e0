using System.Text.Json;
using AsyncMcp.Dapr.Client;
using AsyncMcp.Dapr.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcpDaprServer.Tests;

/// <summary>
/// The server as Dapr runs it, without Dapr: the app and a client app each on an emulated sidecar (AsyncMcp.Dapr.Emulator)
/// loaded from components/local, the MCP messages crossing the emulated broker as CloudEvents.
/// </summary>
public sealed class BatchToolTests : IAsyncLifetime
{
    private const string ServerTopic = "asyncmcp-dapr-server-requests";

    private DaprEmulator _emulator = null!;
    private EmulatedApp _server = null!;
    private EmulatedApp _client = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _emulator = DaprEmulator.FromResources(Path.Combine(AppContext.BaseDirectory, "components", "local"));
        _server = await _emulator.StartAppAsync(
            "asyncmcp-dapr-server",
            (args, configure) => ServerApp.Build(args, configure),
            // APP_ID as dapr run sets it; a test need not wait a second per item.
            settings: new Dictionary<string, string?> { ["APP_ID"] = "asyncmcp-dapr-server", ["BatchTool:ItemMilliseconds"] = "10" },
            cancellationToken: ct);
        _client = await _emulator.StartAppAsync("asyncmcp-dapr-server-tests", BuildClient, cancellationToken: ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Theory]
    [InlineData(null)]             // the SDK's default protocol (sessionless)
    [InlineData("2025-11-25")]     // a session opened by initialize
    public async Task Process_batch_answers_over_pub_sub_with_progress(string? protocolVersion)
    {
        var ct = TestContext.Current.CancellationToken;
        var transport = _client.App.Services.GetRequiredService<PubSubClientTransport>();
        await using var client = await transport.CreateClientAsync(new McpClientOptions { ProtocolVersion = protocolVersion }, ct);

        var tools = await client.ListToolsAsync(cancellationToken: ct);
        Assert.Contains(tools, tool => tool.Name == "process_batch");

        // Progress notifications travel as messages of their own, and a broker may deliver the last one after the result.
        // The call's own progress handler ends with the call, so they are also collected by a handler of the client's,
        // which sees every notification that arrives, late or not.
        var progress = new List<ProgressNotificationValue>();
        await using var collector = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (notification, _) =>
        {
            var value = notification.Params!.Deserialize<ProgressNotificationParams>(McpJsonUtilities.DefaultOptions)!.Progress;
            lock (progress)
            {
                progress.Add(value);
            }

            return ValueTask.CompletedTask;
        });
        var result = await client.CallToolAsync(
            "process_batch",
            new Dictionary<string, object?> { ["items"] = new[] { "alpha", "beta" } },
            new Progress<ProgressNotificationValue>(), // asks for progress (a progress token); the handler above collects it
            cancellationToken: ct);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("processed 2 items: ALPHA, BETA", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(TimeSpan.FromSeconds(30));
        while (Count(progress) < 2)
        {
            await Task.Delay(20, wait.Token);
        }

        lock (progress)
        {
            Assert.Equal([1, 2], progress.Select(value => value.Progress).Order());
            Assert.All(progress, value => Assert.Equal(2, value.Total));
        }

        // The request really crossed the broker, on the server's topic.
        Assert.NotEmpty(_emulator.Published("pubsub", ServerTopic));
    }

    [Fact]
    public async Task Process_batch_refuses_an_empty_batch()
    {
        var ct = TestContext.Current.CancellationToken;
        var transport = _client.App.Services.GetRequiredService<PubSubClientTransport>();
        await using var client = await transport.CreateClientAsync(cancellationToken: ct);

        var result = await client.CallToolAsync("process_batch", new Dictionary<string, object?> { ["items"] = Array.Empty<string>() }, cancellationToken: ct);

        Assert.True(result.IsError);
        Assert.Contains("between 1 and 1000 items", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text, StringComparison.Ordinal);
    }

    private static int Count(List<ProgressNotificationValue> progress)
    {
        lock (progress)
        {
            return progress.Count;
        }
    }

    /// <summary>A client app as a consumer of this server would write it: replies arrive from its own sidecar.</summary>
    private static WebApplication BuildClient(string[] args, Action<WebApplicationBuilder> configure)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure(builder);
        builder.Services.AddMcpPubSubClient(options =>
        {
            options.AppId = "asyncmcp-dapr-server-tests";
            options.ServerTopic = ServerTopic;
        });
        var app = builder.Build();
        app.MapSubscribeHandler();
        app.MapMcpPubSubReplies();
        return app;
    }
}
