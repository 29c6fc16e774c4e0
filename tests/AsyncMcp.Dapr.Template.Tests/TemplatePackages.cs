using System.Diagnostics;
using System.Reflection;

[assembly: AssemblyFixture(typeof(AsyncMcp.Dapr.Template.Tests.TemplatePackages))]

namespace AsyncMcp.Dapr.Template.Tests;

/// <summary>
/// Done once for every test of the template: the library, the emulator and the template packed into a local feed, as a
/// user would get them, and the template installed into a private template hive, in a temporary folder outside the
/// repository. Each test class then instantiates the template with its options (<see cref="CreateAsync"/>).
/// Each step's duration is printed as a diagnostic message.
/// </summary>
public sealed class TemplatePackages : IAsyncLifetime
{
    /// <summary>The packages of this repository that the generated projects reference.</summary>
    public static readonly string[] OwnPackages = ["AsyncMcp.Dapr", "AsyncMcp.Dapr.Actors", "AsyncMcp.Dapr.Emulator"];

    private string _feed = null!;
    private string _hive = null!;

    /// <summary>The temporary folder everything happens in.</summary>
    public string Work { get; private set; } = null!;

    /// <summary>The version the packages were packed with (a suffix of this run: no earlier restore can stand in).</summary>
    public string Version { get; private set; } = null!;

    /// <summary>The repository the packages were packed from.</summary>
    public static string Repository { get; } = typeof(TemplatePackages).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "RepositoryRoot").Value!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        Work = Directory.CreateTempSubdirectory("asyncmcp-template-test-").FullName;
        _feed = Path.Combine(Work, "feed");
        _hive = Path.Combine(Work, "template-hive");
        Report($"working in {Work}");
        WriteIsolation(Work, _feed);

        var suffix = $"templatetest.{DateTime.UtcNow:yyyyMMddHHmmss}";
        await StepAsync("pack AsyncMcp.Dapr, AsyncMcp.Dapr.Actors, AsyncMcp.Dapr.Emulator and AsyncMcp.Dapr.Templates into a local feed", () => Task.WhenAll(
            // The libraries as built for this test run: the same binaries the other test projects exercise.
            PackBuiltAsync("src/AsyncMcp.Dapr/AsyncMcp.Dapr.csproj", suffix, ct),
            PackBuiltAsync("src/AsyncMcp.Dapr.Actors/AsyncMcp.Dapr.Actors.csproj", suffix, ct),
            PackBuiltAsync("src/AsyncMcp.Dapr.Emulator/AsyncMcp.Dapr.Emulator.csproj", suffix, ct),
            // The template package builds into the temporary folder, leaving the repository's bin and obj alone.
            DotnetCli.RunAsync(Repository, [
                "pack", "templates/AsyncMcp.Dapr.Templates/AsyncMcp.Dapr.Templates.csproj", "-c", DotnetCli.Configuration, "-o", _feed,
                $"-p:VersionSuffix={suffix}", "--artifacts-path", Path.Combine(Work, "artifacts"), "--disable-build-servers"], null, ct)));

        var templatePackage = Directory.GetFiles(_feed, "AsyncMcp.Dapr.Templates.*.nupkg").Single();
        Version = Path.GetFileNameWithoutExtension(templatePackage)["AsyncMcp.Dapr.Templates.".Length..];
        await StepAsync("dotnet new install (private hive)", () =>
            DotnetCli.RunAsync(Work, ["new", "install", templatePackage, "--debug:custom-hive", _hive], null, ct));
    }

    public ValueTask DisposeAsync()
    {
        if (Work is not null)
        {
            Directory.Delete(Work, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Runs <c>dotnet new asyncmcp-dapr</c> with the options given (from the private hive).</summary>
    public Task<string> NewAsync(IReadOnlyList<string> arguments, CancellationToken ct) =>
        DotnetCli.RunAsync(Work, ["new", "asyncmcp-dapr", .. arguments, "--debug:custom-hive", _hive], null, ct);

    /// <summary>
    /// <c>dotnet new asyncmcp-dapr -n <paramref name="name"/></c> with <paramref name="options"/>, then a build of what
    /// it made with warnings as errors, as a user would run them in the new folder.
    /// </summary>
    public async Task<GeneratedProject> CreateAsync(string name, IReadOnlyList<string> options, CancellationToken ct)
    {
        var project = new GeneratedProject(Path.Combine(Work, name), name, Version);
        await StepAsync($"dotnet new asyncmcp-dapr -n {name} {string.Join(' ', options)}", () => NewAsync(["-n", name, "-o", project.Folder, .. options], ct));
        await StepAsync($"dotnet build of {name} (warnings as errors)", () =>
            DotnetCli.RunAsync(project.Folder, ["build", "-warnaserror", "--disable-build-servers"], PackagesFolder, ct));
        return project;
    }

    /// <summary><c>dotnet test</c> in the generated folder, as its README says; returns the output.</summary>
    public async Task<string> TestAsync(GeneratedProject project, CancellationToken ct)
    {
        var output = string.Empty;
        await StepAsync($"dotnet test of {project.Name}", async () =>
            output = await DotnetCli.RunAsync(project.Folder, ["test", "--no-build"], PackagesFolder, ct));
        return output;
    }

    /// <summary>Packages restore into a folder of this run (the machine's packages folder is read, never written).</summary>
    private Dictionary<string, string> PackagesFolder => new() { ["NUGET_PACKAGES"] = Path.Combine(Work, "packages") };

    private Task<string> PackBuiltAsync(string project, string suffix, CancellationToken ct) =>
        DotnetCli.RunAsync(Repository, [
            "pack", project, "--no-build", "-c", DotnetCli.Configuration, "-o", _feed,
            $"-p:VersionSuffix={suffix}", $"-p:NuspecOutputPath={Path.Combine(Work, "nuspec", Path.GetFileNameWithoutExtension(project))}/"], null, ct);

    internal static async Task StepAsync(string what, Func<Task> step)
    {
        Report($"{what}...");
        var clock = Stopwatch.StartNew();
        await step();
        Report($"{what}: {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static void Report(string line) => TestContext.Current.SendDiagnosticMessage("[template] " + line);

    /// <summary>
    /// Makes the temporary folder a world of its own: MSBuild stop-files, so that no Directory.Build.props or central
    /// package versions from above apply, and a nuget.config that adds the local feed to the machine's own sources.
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
