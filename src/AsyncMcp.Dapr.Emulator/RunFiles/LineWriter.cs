namespace AsyncMcp.Dapr.Emulator.RunFiles;

/// <summary>
/// Writes whole lines with a prefix to the console, a log file or both, as the Dapr CLI writes an app's output
/// (<c>== APP - {appID} == {line}</c>, dapr/cli <c>cmd/run.go</c>, startAppProcess).
/// </summary>
internal sealed class LineWriter : IDisposable
{
    private readonly string _prefix;
    private readonly TextWriter? _console;
    private readonly StreamWriter? _file;
    private readonly Lock _gate = new();

    public LineWriter(string prefix, TextWriter? console, string? filePath)
    {
        _prefix = prefix;
        _console = console;
        if (filePath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
            _file = new StreamWriter(filePath, append: true) { AutoFlush = true };
        }
    }

    /// <summary>The log file, if the destination includes one.</summary>
    public string? FilePath => (_file?.BaseStream as FileStream)?.Name;

    public void WriteLine(string line)
    {
        var text = _prefix + line;
        lock (_gate)
        {
            _console?.WriteLine(text);
            _file?.WriteLine(text);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
        }
    }

    /// <summary>The console and file a destination names, the file as the CLI names it.</summary>
    public static LineWriter For(string prefix, LogDestination destination, TextWriter console, string logsDirectory, string fileStem) =>
        new(prefix,
            destination is LogDestination.Console or LogDestination.FileAndConsole ? console : null,
            destination is LogDestination.File or LogDestination.FileAndConsole
                ? Path.Combine(logsDirectory, $"{fileStem}_{DateTime.Now:yyyyMMddHHmmss}.log")
                : null);
}
