namespace AsyncMcp.Dapr.Emulator.RunFiles;

/// <summary>
/// A Dapr multi-app run file (<c>dapr run -f</c>), read as the Dapr CLI reads it (dapr/cli
/// <c>pkg/runfileconfig</c>): <c>version</c>, <c>name</c>, <c>common</c> and <c>apps</c>, common settings merged into
/// each app, relative paths resolved against the file's folder (common) or the app's folder (apps). Unlike the CLI,
/// keys it does not know are reported in <see cref="Warnings"/> instead of being ignored silently.
/// </summary>
public sealed class RunFile
{
    /// <summary>The file name the CLI looks for when <c>-f</c> names a folder.</summary>
    public const string DefaultFileName = "dapr.yaml";

    internal RunFile(string path, int version, string? name, IReadOnlyList<RunFileApp> apps, IReadOnlyList<string> warnings)
    {
        Path = path;
        Version = version;
        Name = name;
        Apps = apps;
        Warnings = warnings;
    }

    /// <summary>The absolute path of the file.</summary>
    public string Path { get; }

    /// <summary><c>version</c> (required, as in the CLI).</summary>
    public int Version { get; }

    /// <summary><c>name</c>, if any.</summary>
    public string? Name { get; }

    /// <summary>The apps, in file order, merged with <c>common</c>.</summary>
    public IReadOnlyList<RunFileApp> Apps { get; }

    /// <summary>Keys the CLI does not know (typos), and keys it knows that the emulator does not act on; each with its line.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Reads a run file. <paramref name="path"/> may name the file (<c>.yaml</c> or <c>.yml</c>) or a folder holding
    /// <c>dapr.yaml</c>, as <c>dapr run -f</c> accepts.
    /// </summary>
    /// <param name="path">The file or its folder.</param>
    /// <exception cref="RunFileException">The file is missing, not YAML, or breaks a rule of the format; the message says which.</exception>
    public static RunFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(file))
        {
            file = System.IO.Path.Combine(file, DefaultFileName);
        }
        else if (!file.EndsWith(".yaml", StringComparison.Ordinal) && !file.EndsWith(".yml", StringComparison.Ordinal))
        {
            throw new RunFileException($"file \"{path}\" is not a YAML file");
        }

        if (!File.Exists(file))
        {
            throw new RunFileException($"run file {file} does not exist");
        }

        return RunFileParser.Parse(file, File.ReadAllText(file));
    }
}
