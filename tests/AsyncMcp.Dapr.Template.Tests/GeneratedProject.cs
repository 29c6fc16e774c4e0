using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AsyncMcp.Dapr.Template.Tests;

/// <summary>A folder made by <c>dotnet new asyncmcp-dapr</c> (<see cref="TemplatePackages.CreateAsync"/>).</summary>
public sealed partial class GeneratedProject(string folder, string name, string version)
{
    /// <summary>The generated folder (the solution's).</summary>
    public string Folder { get; } = folder;

    /// <summary>The name given to <c>dotnet new -n</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The version the library, the emulator and the template were packed with.</summary>
    public string Version { get; } = version;

    /// <summary>The Dapr app-id the template derives from the name (lower case, other characters made hyphens).</summary>
    public string AppId => NonDnsLabel().Replace(Name.ToLowerInvariant(), "-");

    /// <summary>The request topic the template derives from the name.</summary>
    public string RequestTopic => AppId + "-requests";

    /// <summary>The server project's folder.</summary>
    public string ServerFolder => PathOf($"src/{Name}");

    /// <summary>The built server.</summary>
    public string AssemblyPath => Path.Combine(ServerFolder, "bin", "Debug", "net10.0", Name + ".dll");

    public string PathOf(string relative) => Path.Combine(Folder, relative);

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Every file that is not build output.</summary>
    public IEnumerable<string> SourceFiles => Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).Where(file => !IsBuildOutput(file));

    /// <summary>Every package reference of every generated project file: (project file, package, version).</summary>
    public IEnumerable<(string Project, string Package, string Version)> PackageReferences =>
        from file in SourceFiles.Where(file => file.EndsWith(".csproj", StringComparison.Ordinal))
        from reference in XDocument.Load(file).Descendants("PackageReference")
        select (Path.GetFileName(file), (string)reference.Attribute("Include")!, (string?)reference.Attribute("Version") ?? "(none)");

    private static bool IsBuildOutput(string file)
    {
        var separator = Path.DirectorySeparatorChar;
        return file.Contains($"{separator}bin{separator}", StringComparison.Ordinal) || file.Contains($"{separator}obj{separator}", StringComparison.Ordinal);
    }

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NonDnsLabel();
}
