using System.Diagnostics;

namespace AsyncMcp.Dapr.Polyglot.Tests;

/// <summary>The TypeScript package's own unit tests (<c>npm test</c>: tsc, then node:test), run as part of this suite.</summary>
public sealed class PackageUnitTests
{
    [Fact]
    public async Task Npm_test_passes_in_the_typescript_package()
    {
        TypeScriptFolders.EnsureInstalled();
        var (exitCode, output, errors) = await ChildProcess.RunAsync(
            new ProcessStartInfo("npm", ["test"]) { WorkingDirectory = TypeScriptFolders.Package }, TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);

        var log = $"{output}\n{errors}";
        Assert.True(exitCode == 0, log);
        Assert.Contains("# fail 0", log, StringComparison.Ordinal);
        Assert.Matches(@"# pass [1-9]\d*", log);
    }
}
