namespace AsyncMcp.Dapr.Environments.Tests;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class Repository
{
    /// <summary>The folder holding AsyncMcp.Dapr.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    /// <summary>The environments, as folders of components/.</summary>
    public static readonly string[] Environments = ["local", "aws-emulator", "aws"];

    /// <summary>The app-ids the run files and component scopes may name.</summary>
    public static readonly string[] AppIds = ["server", "client", "proxy"];

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
