using AsyncMcp.Dapr.Demo;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Environments.Tests;

/// <summary>The no-install demo (dotnet run --project src/AsyncMcp.Dapr.Demo) starts, answers, and stops.</summary>
public sealed class DemoTests
{
    // Tests run side by side: each demo's proxy takes a free port instead of the documented 8080.
    private const string FreeLocalUrl = "http://127.0.0.1:0";

    private static void Quiet(ILoggingBuilder logging) => logging.SetMinimumLevel(LogLevel.Warning);

    [Fact]
    public async Task Demo_host_on_components_local_answers_a_tool_call_and_stops()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = await DemoHost.StartAsync(Repository.PathOf("components/local"), new DemoOptions { SlowJobStepMilliseconds = 10, ProxyUrl = FreeLocalUrl }, Quiet, ct);
        var serverAddress = host.Apps[0].Address;
        await using (host)
        {
            Assert.Equal(["server", "proxy", "client"], host.Apps.Select(app => app.AppId));
            await using var client = await host.ClientTransport.CreateClientAsync(new McpClientOptions(), ct);
            var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "from the demo test" }, cancellationToken: ct);
            Assert.Contains("from the demo test", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text, StringComparison.Ordinal);

            // A standard Streamable HTTP client reaches the same server through the proxy.
            await using var standard = await McpClient.CreateAsync(
                new HttpClientTransport(new HttpClientTransportOptions { Endpoint = host.ProxyEndpoint }), cancellationToken: ct);
            var proxied = await standard.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "through the proxy" }, cancellationToken: ct);
            Assert.Equal("through the proxy", Assert.IsType<TextContentBlock>(Assert.Single(proxied.Content)).Text);

            // The request really crossed the emulated broker of the component set.
            Assert.NotEmpty(host.Emulator.Published("pubsub", "mcp-requests"));
        }

        // Stopped: the apps no longer listen.
        using var http = new HttpClient();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri(serverAddress, "/healthz"), ct));
        Assert.Empty(host.Apps);
    }

    [Fact]
    public async Task Demo_command_runs_the_round_trip_once_and_exits_zero()
    {
        using var output = new StringWriter();
        var exitCode = await DemoProgram.RunAsync(
            ["--once", "--Demo:Components", Repository.PathOf("components/local"), "--Demo:SlowJobStepMilliseconds", "10", "--Demo:ProxyUrl", FreeLocalUrl],
            output, TestContext.Current.CancellationToken, Quiet);

        var text = output.ToString();
        Assert.True(exitCode == 0, text);
        Assert.Contains("echo: hello over Dapr", text, StringComparison.Ordinal);
        Assert.Contains("slow_job: ", text, StringComparison.Ordinal);
        Assert.EndsWith("stopped" + Environment.NewLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_command_stops_cleanly_when_cancelled_as_by_ctrl_c()
    {
        using var output = new SyncedWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var run = DemoProgram.RunAsync(
            ["--Demo:Components", Repository.PathOf("components/local"), "--Demo:SlowJobStepMilliseconds", "10", "--Demo:ProxyUrl", FreeLocalUrl], output, stop.Token, Quiet);

        // Wait until the round trip is over and the demo stays up, then press "Ctrl+C".
        while (!output.Text.Contains("press Ctrl+C", StringComparison.Ordinal))
        {
            Assert.False(run.IsCompleted, output.Text);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await run);
        Assert.EndsWith("stopped" + Environment.NewLine, output.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_command_reports_a_missing_components_folder()
    {
        using var output = new StringWriter();
        var exitCode = await DemoProgram.RunAsync(["--once", "--Demo:Components", "/no/such/folder"], output, TestContext.Current.CancellationToken, Quiet);
        Assert.Equal(1, exitCode);
        Assert.Contains("/no/such/folder", output.ToString(), StringComparison.Ordinal);
    }
}
