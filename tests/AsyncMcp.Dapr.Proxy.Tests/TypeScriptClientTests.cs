using System.Diagnostics;

namespace AsyncMcp.Dapr.Proxy.Tests;

/// <summary>The official TypeScript MCP SDK client (npm <c>@modelcontextprotocol/sdk</c>, run with Node) through the proxy.</summary>
public sealed class TypeScriptClientTests : IAsyncLifetime
{
    private ProxyHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await ProxyHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task The_typescript_sdk_client_uses_every_feature_through_the_proxy()
    {
        var log = await RunClientScriptAsync("proxy-client.mjs", _harness.Endpoint);

        Assert.Contains("ok sampling answered by the typescript client", log, StringComparison.Ordinal);
        Assert.Contains("ok elicitation answered by the typescript client", log, StringComparison.Ordinal);
        Assert.Contains("ok session ended with DELETE", log, StringComparison.Ordinal);
        Assert.Contains("ALL OK", log, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs one of the TypeScript client scripts against <paramref name="endpoint"/> with Node, asserts it exited with 0
    /// within two minutes, and returns its output (also written to the test's output).
    /// </summary>
    internal static async Task<string> RunClientScriptAsync(string script, Uri endpoint)
    {
        var folder = FindClientFolder();
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "@modelcontextprotocol", "sdk")),
            $"The TypeScript SDK is not installed in {folder}: the build of this project installs it (eng/NpmPackages.targets) unless SkipNpmInstall=true.");

        var (exitCode, output, errors) = await ChildProcess.RunAsync(
            new ProcessStartInfo("node", [script, endpoint.ToString()]) { WorkingDirectory = folder }, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        var log = $"stdout:\n{output}\nstderr:\n{errors}";
        TestContext.Current.TestOutputHelper?.WriteLine(log);
        Assert.True(exitCode == 0, log);
        return log;
    }

    internal static string FindClientFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "AsyncMcp.Dapr.Proxy.Tests", "TypeScriptClient");
            if (File.Exists(Path.Combine(candidate, "proxy-client.mjs")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/AsyncMcp.Dapr.Proxy.Tests/TypeScriptClient was not found above " + AppContext.BaseDirectory);
    }
}
