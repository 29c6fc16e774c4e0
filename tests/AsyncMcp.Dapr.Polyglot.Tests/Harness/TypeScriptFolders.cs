namespace AsyncMcp.Dapr.Polyglot.Tests;

/// <summary>Where the TypeScript package and the Node test programs are in this repository, and that they are installed.</summary>
internal static class TypeScriptFolders
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The package: <c>clients/typescript/asyncmcp-dapr</c>.</summary>
    public static string Package => Path.Combine(Root.Value, "clients", "typescript", "asyncmcp-dapr");

    /// <summary>The Node programs the tests start: <c>tests/AsyncMcp.Dapr.Polyglot.Tests/TypeScript</c>.</summary>
    public static string Programs => Path.Combine(Root.Value, "tests", "AsyncMcp.Dapr.Polyglot.Tests", "TypeScript");

    /// <summary>Fails with the command to run when the build did not install or build the packages.</summary>
    public static void EnsureInstalled()
    {
        Assert.True(File.Exists(Path.Combine(Package, "dist", "index.js")),
            $"The TypeScript package is not built: the test project's build runs 'npm ci' and 'npm run build' in {Package} (not skipped with SkipNpmInstall=true?).");
        Assert.True(Directory.Exists(Path.Combine(Programs, "node_modules", "@modelcontextprotocol", "sdk")),
            $"The Node test programs are not installed: the test project's build runs 'npm ci' in {Programs}.");
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "clients", "typescript", "asyncmcp-dapr", "package.json")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("clients/typescript/asyncmcp-dapr was not found above " + AppContext.BaseDirectory);
    }
}
