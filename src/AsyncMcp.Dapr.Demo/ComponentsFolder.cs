namespace AsyncMcp.Dapr.Demo;

/// <summary>Finds the repository's <c>components/local</c> folder, so the demo runs the real component files.</summary>
internal static class ComponentsFolder
{
    /// <summary>The relative path of the local component set in the repository.</summary>
    public const string Local = "components/local";

    /// <summary>
    /// Returns <paramref name="configured"/> when given, else the first <c>components/local</c> found in the working
    /// folder or above it, then beside the executable or above it (<c>dotnet run</c> from anywhere in the repository).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    public static string Resolve(string? configured)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured)
                ? Path.GetFullPath(configured)
                : throw new DirectoryNotFoundException($"The components folder '{configured}' does not exist.");
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, Local);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"No '{Local}' folder found above '{Directory.GetCurrentDirectory()}'; pass --Demo:Components <folder>.");
    }
}
