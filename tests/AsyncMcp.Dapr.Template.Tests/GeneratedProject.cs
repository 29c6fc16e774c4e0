using System.Reflection;

namespace AsyncMcp.Dapr.Template.Tests;

/// <summary>
/// A project made by <c>dotnet new asyncmcp-dapr</c> as a user would make it: the library and the template packed into
/// a local feed, the template installed into a private template hive, instantiated, and built against that feed, all
/// in a temporary folder outside the repository.
/// </summary>
internal sealed class GeneratedProject
{
    /// <summary>The name given to <c>dotnet new -n</c>: dotted, to check that namespaces and the app-id follow it.</summary>
    public const string Name = "Contoso.Orders";

    /// <summary>The Dapr app-id the template derives from <see cref="Name"/>.</summary>
    public const string AppId = "contoso-orders";

    /// <summary>The request topic the template derives from <see cref="Name"/>.</summary>
    public const string RequestTopic = AppId + "-requests";

    private GeneratedProject(string folder, string version)
    {
        Folder = folder;
        Version = version;
    }

    /// <summary>The generated project's folder.</summary>
    public string Folder { get; }

    /// <summary>The version the library and the template were packed with.</summary>
    public string Version { get; }

    /// <summary>The built app.</summary>
    public string AssemblyPath => Path.Combine(Folder, "bin", "Debug", "net10.0", Name + ".dll");

    public string PathOf(string relative) => Path.Combine(Folder, relative);

    /// <summary>Packs, installs, instantiates and builds, reporting each step's duration to <paramref name="step"/>.</summary>
    public static async Task<GeneratedProject> CreateAsync(string work, Func<string, Func<Task>, Task> step, CancellationToken ct)
    {
        var repository = typeof(GeneratedProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "RepositoryRoot").Value!;
        var feed = Path.Combine(work, "feed");
        var hive = Path.Combine(work, "template-hive");
        WriteIsolation(work, feed);

        // A version of its own per run: a package of the same version restored earlier can never stand in for this build.
        var suffix = $"templatetest.{DateTime.UtcNow:yyyyMMddHHmmss}";
        await step("pack AsyncMcp.Dapr and AsyncMcp.Dapr.Templates into a local feed", () => Task.WhenAll(
            // The library as built for this test run: the same binaries the other test projects exercise.
            DotnetCli.RunAsync(repository, [
                "pack", "src/AsyncMcp.Dapr/AsyncMcp.Dapr.csproj", "--no-build", "-c", DotnetCli.Configuration, "-o", feed,
                $"-p:VersionSuffix={suffix}", $"-p:NuspecOutputPath={Path.Combine(work, "nuspec")}/"], null, ct),
            // The template package builds into the temporary folder, leaving the repository's bin and obj alone.
            DotnetCli.RunAsync(repository, [
                "pack", "templates/AsyncMcp.Dapr.Templates/AsyncMcp.Dapr.Templates.csproj", "-c", DotnetCli.Configuration, "-o", feed,
                $"-p:VersionSuffix={suffix}", "--artifacts-path", Path.Combine(work, "artifacts"), "--disable-build-servers"], null, ct)));

        var templatePackage = Directory.GetFiles(feed, "AsyncMcp.Dapr.Templates.*.nupkg").Single();
        var version = Path.GetFileNameWithoutExtension(templatePackage)["AsyncMcp.Dapr.Templates.".Length..];
        var project = new GeneratedProject(Path.Combine(work, Name), version);

        await step("dotnet new install (private hive)", () =>
            DotnetCli.RunAsync(work, ["new", "install", templatePackage, "--debug:custom-hive", hive], null, ct));
        await step($"dotnet new asyncmcp-dapr -n {Name}", () =>
            DotnetCli.RunAsync(work, ["new", "asyncmcp-dapr", "-n", Name, "-o", project.Folder, "--debug:custom-hive", hive], null, ct));
        await step("dotnet build of the generated project (warnings as errors)", () =>
            DotnetCli.RunAsync(project.Folder, ["build", "-warnaserror", "--disable-build-servers"],
                new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work, "packages") }, ct));
        return project;
    }

    /// <summary>
    /// Makes the temporary folder a world of its own: MSBuild stop-files, so that no Directory.Build.props or central
    /// package versions from above apply, and a nuget.config that adds the local feed to the machine's own sources.
    /// Packages restore into a folder of this run (the machine's packages folder is read, never written).
    /// </summary>
    private static void WriteIsolation(string work, string feed)
    {
        Directory.CreateDirectory(feed);
        foreach (var stopFile in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(work, stopFile), "<Project />\n");
        }

        var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var fallback = Directory.Exists(machinePackages)
            ? $"""
                <fallbackPackageFolders>
                  <add key="machine" value="{machinePackages}" />
                </fallbackPackageFolders>
              """
            : string.Empty;
        File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="asyncmcp-local" value="{feed}" />
              </packageSources>
            {fallback}
            </configuration>
            """);
    }
}
