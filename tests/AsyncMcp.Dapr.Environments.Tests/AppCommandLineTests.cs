using System.Diagnostics;

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

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string app, params string[] arguments)
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
        using var process = Process.Start(start)!;
        var ct = TestContext.Current.CancellationToken;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await errors);
    }
}
