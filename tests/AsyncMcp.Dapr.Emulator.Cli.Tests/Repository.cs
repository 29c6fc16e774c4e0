using System.Reflection;

namespace AsyncMcp.Dapr.Emulator.Cli.Tests;

/// <summary>Paths of the repository, and the built apps the tests start as processes.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    /// <summary>The built assembly of a project under src/, of the configuration and framework these tests were built with.</summary>
    public static string BuiltAssembly(string project)
    {
        var metadata = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        var path = PathOf($"src/{project}/bin/{metadata["Configuration"]}/{metadata["TargetFramework"]}/{project}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built at {path}: build this test project first.");
    }

    /// <summary>
    /// A run file's <c>dotnet run -- args</c> as <c>dotnet &lt;built dll&gt; args</c>: the same app and arguments without
    /// building it again per test (the project reference built it).
    /// </summary>
    public static IReadOnlyList<string> Prebuilt(string appDirPath, IReadOnlyList<string> command)
    {
        if (command.Count < 2 || command[0] != "dotnet" || command[1] != "run")
        {
            return command;
        }

        var arguments = command.Skip(2).SkipWhile(a => a != "--").Skip(1);
        return ["dotnet", BuiltAssembly(new DirectoryInfo(appDirPath).Name), .. arguments];
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AsyncMcp.Dapr.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("AsyncMcp.Dapr.sln not found above " + AppContext.BaseDirectory);
    }
}
