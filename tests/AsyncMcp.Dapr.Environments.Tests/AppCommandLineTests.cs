using System.Diagnostics;
using AsyncMcp.Dapr.Emulator.RunFiles;

namespace AsyncMcp.Dapr.Environments.Tests;

/// <summary>The sample apps' command line, run as a user runs them: <c>--help</c> prints the usage, a bad setting one line.</summary>
public sealed class AppCommandLineTests
{
    [Theory]
    [InlineData("AsyncMcp.Dapr.Server", "--Mcp:PubSub:Topic <topic>")]
    [InlineData("AsyncMcp.Dapr.Client", "--Demo:ProtocolVersion 2025-11-25")]
    [InlineData("AsyncMcp.Dapr.Proxy", "--stdio")]
    public async Task Help_prints_the_usage_and_exits_0(string app, string option)
    {
        var (exitCode, output, errors) = await RunAsync(app, "--help");

        Assert.Equal(0, exitCode);
        Assert.StartsWith($"AsyncMcp.Dapr ", output, StringComparison.Ordinal);
        Assert.Contains(option, output, StringComparison.Ordinal);
        Assert.Contains("-h, --help", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, errors);
    }

    [Fact]
    public async Task An_invalid_setting_ends_the_app_with_one_line_naming_it()
    {
        // Outside dapr run there is no APP_ID: the options validator says so at start-up.
        var (exitCode, output, errors) = await RunAsync("AsyncMcp.Dapr.Server", "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: DaprPubSubServerOptions.AppId is not set.", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors + output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AsyncMcp.Dapr.Demo", "--replicas")]
    [InlineData("AsyncMcp.Dapr.Emulator.Cli", "--exit-with")]
    public async Task The_demo_and_the_emulator_cli_print_their_usage_on_help(string app, string option)
    {
        var (exitCode, output, errors) = await RunAsync(app, "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains(option, output, StringComparison.Ordinal);
        Assert.Contains("-h, --help", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, errors);
    }

    [Fact]
    public async Task The_client_without_a_sidecar_ends_with_one_line_naming_what_is_missing()
    {
        var closed = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        var (exitCode, output, errors) = await RunAsync("AsyncMcp.Dapr.Client", ["--urls", "http://127.0.0.1:0", "--Mcp:PubSub:AppId", "client"],
            new Dictionary<string, string> { ["DAPR_HTTP_PORT"] = closed, ["DAPR_GRPC_PORT"] = closed });
        TestContext.Current.TestOutputHelper?.WriteLine($"ended after {clock.Elapsed.TotalSeconds:0.0} s: {errors}");

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"error: no Dapr sidecar answers at http://127.0.0.1:{closed} within 5 s", errors, StringComparison.Ordinal);
        Assert.Contains("dapr run", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("A task was canceled", errors + output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors + output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_port_ends_the_proxy_with_one_line_saying_how_to_move_it()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output, errors) = await RunAsync("AsyncMcp.Dapr.Proxy", "--urls", $"http://127.0.0.1:{port}", "--Mcp:PubSub:AppId", "proxy");

        // The host logs its failed start first; the app's last word is the one line that says what to do.
        var last = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        Assert.Equal(1, exitCode);
        Assert.StartsWith($"error: Failed to bind to address http://127.0.0.1:{port}", last, StringComparison.Ordinal);
        Assert.Contains("--urls http://localhost:<port>", last, StringComparison.Ordinal);
        Assert.Contains("appPort", last, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", errors + output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_stops_on_sigterm_apps_first_and_exits_zero()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM is a POSIX signal.");
        var folder = Directory.CreateTempSubdirectory("demo-sigterm-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "app"));
            Directory.CreateDirectory(Path.Combine(folder, "res"));
            var runFile = Path.Combine(folder, "dapr.yaml");
            await File.WriteAllTextAsync(runFile, """
                version: 1
                common:
                  resourcesPaths: [./res]
                apps:
                - appID: looper
                  appDirPath: ./app
                  command: ["sh", "-c", "trap 'echo got SIGTERM; exit 0' TERM; echo looping; while true; do sleep 0.1; done"]
                """, TestContext.Current.CancellationToken);
            var start = Start("AsyncMcp.Dapr.Demo", ["-f", runFile], environment: null);
            using var demo = Process.Start(start)!;
            var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var up = new TaskCompletionSource();
            demo.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    lines.Enqueue(line);
                    if (line.StartsWith("All 1 app instance(s)", StringComparison.Ordinal))
                    {
                        up.TrySetResult();
                    }
                }
            };
            demo.BeginOutputReadLine();
            try
            {
                await up.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
                using (var kill = Process.Start("kill", ["-TERM", demo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
                }

                await demo.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            }
            finally
            {
                if (!demo.HasExited)
                {
                    demo.Kill(entireProcessTree: true);
                }
            }

            Assert.Equal(0, demo.ExitCode);
            Assert.Contains("== APP - looper == got SIGTERM", lines);
            Assert.Contains("Stopped", lines);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }


    private static Task<(int ExitCode, string Output, string Errors)> RunAsync(string app, params string[] arguments) => RunAsync(app, arguments, environment: null);

    private static ProcessStartInfo Start(string app, string[] arguments, IDictionary<string, string>? environment)
    {
        var assembly = Path.Combine(AppContext.BaseDirectory, app + ".dll");
        Assert.True(File.Exists(assembly), $"{assembly} is not built beside the tests");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("APP_ID");
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private static Task<(int ExitCode, string Output, string Errors)> RunAsync(string app, string[] arguments, IDictionary<string, string>? environment) =>
        ChildProcess.RunAsync(Start(app, arguments, environment), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
}
