using System.Diagnostics;
using System.Globalization;
using AsyncMcp.Dapr.Emulator.RunFiles;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Emulator.Cli.Tests;

/// <summary>
/// The repository's dapr.yaml, as written (its ports, folders, environment and start order), through the run command
/// that the emulator CLI and the demo share; only <c>dotnet run</c> becomes <c>dotnet &lt;built dll&gt;</c> so that the
/// apps are not built again.
/// </summary>
public sealed class DaprYamlTests
{
    [Fact]
    public async Task Dapr_yaml_runs_the_sample_round_trip_and_its_proxy_answers_an_outside_client()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = new RecordedOutput();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clock = Stopwatch.StartNew();
        var command = MultiAppRunCommand.RunAsync(["run", "-f", Repository.PathOf("dapr.yaml")], output, stop.Token,
            options => options.Command = app => Repository.Prebuilt(app.AppDirPath, app.Command));

        // The sample client's scripted round trip, printed with its app-id.
        await Until(output.LineAsync(l => l == "== APP - client == echo: hello over Dapr", ct), command, output);
        var firstRoundTrip = clock.Elapsed;
        await Until(output.LineAsync(l => l == "== APP - client == done", ct), command, output);
        await Until(output.LineAsync(l => l == "== APP - client == Exited App successfully", ct), command, output);
        Assert.True(output.Lines.Any(l => l.StartsWith("== APP - client == slow_job: job done after 3 steps", StringComparison.Ordinal)), output.Text);

        // A standard MCP client reaches the server through the proxy at the address dapr.yaml gives it.
        await using (var outside = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri("http://localhost:8080/mcp") }), cancellationToken: ct))
        {
            var result = await outside.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "from outside" }, cancellationToken: ct);
            Assert.Equal("from outside", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        }

        // Ctrl+C: the apps stop first, then the sidecars; the command ends with 0.
        await stop.CancelAsync();
        Assert.Equal(0, await command.WaitAsync(TimeSpan.FromSeconds(30), ct));
        var lines = output.Lines.ToList();
        var stopped = lines.IndexOf("Stopped");
        Assert.True(stopped > lines.IndexOf("== APP - server == Exited App successfully"), output.Text);
        Assert.True(stopped > lines.IndexOf("== APP - proxy == Exited App successfully"), output.Text);
        Assert.True(lines.IndexOf("== APP - server == Exited App successfully") > lines.IndexOf("Stopping the apps, then their sidecars"), output.Text);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"dapr.yaml: from the command to the client's first answered call {firstRoundTrip.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s (apps prebuilt)");
    }

    private static async Task Until(Task<string> line, Task<int> command, RecordedOutput output)
    {
        if (await Task.WhenAny(line, command) == command)
        {
            Assert.Fail($"The run ended with {await command} before the expected line:{Environment.NewLine}{output.Text}");
        }
    }
}
