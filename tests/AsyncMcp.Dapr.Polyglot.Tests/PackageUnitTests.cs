using System.Diagnostics;

namespace AsyncMcp.Dapr.Polyglot.Tests;

/// <summary>The TypeScript package's own unit tests (<c>npm test</c>: tsc, then node:test), run as part of this suite.</summary>
public sealed class PackageUnitTests
{
    [Fact]
    public async Task Npm_test_passes_in_the_typescript_package()
    {
        TypeScriptFolders.EnsureInstalled();
        var start = new ProcessStartInfo("npm", ["test"])
        {
            WorkingDirectory = TypeScriptFolders.Package,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var npm = Process.Start(start)!;
        var output = npm.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = npm.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            await npm.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw;
        }

        var log = $"{await output}\n{await errors}";
        Assert.True(npm.ExitCode == 0, log);
        Assert.Contains("# fail 0", log, StringComparison.Ordinal);
        Assert.Matches(@"# pass [1-9]\d*", log);
    }
}
