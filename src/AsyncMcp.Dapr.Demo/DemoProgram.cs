using AsyncMcp.Dapr.Emulator.RunFiles;

namespace AsyncMcp.Dapr.Demo;

/// <summary>
/// The demo's command: the repository's <c>dapr.yaml</c> through the emulator CLI's <c>run -f</c>
/// (<see cref="MultiAppRunCommand"/>), so the demo runs exactly what <c>dapr run -f dapr.yaml</c> runs.
/// </summary>
internal static class DemoProgram
{
    /// <summary>What <c>--help</c> prints.</summary>
    public const string Usage = """
        AsyncMcp.Dapr demo: runs dapr.yaml (the server, the proxy and the sample client) over the Dapr sidecar emulator,
        each app its own process, with no Dapr install.

        usage: dotnet run --project src/AsyncMcp.Dapr.Demo [-- [--once] [-f <run file>] [--replicas <app-id>=<n>]...]
          --once          stop when the sample client is done, with its exit code (0 when every step worked)
          -f <run file>   another run file (default: the first dapr.yaml in the working folder or above it)
          --replicas      start n instances of an app, e.g. --replicas server=2
          -h, --help      this text

        Ports: the proxy listens on 8080 and the server on 5100, as dapr.yaml says. When a port is taken, change that
        app's appPort and its --urls together in dapr.yaml (or in a copy given with -f).
        Ctrl+C or SIGTERM stops the apps first (each finishes its requests in flight within its drain period,
        --Mcp:Shutdown:DrainPeriod), then their sidecars.

        """;

    private static readonly string[] HelpSwitches = ["-h", "--help", "-?", "/?"];

    /// <summary>Runs the demo.</summary>
    /// <param name="args"><c>--once</c> (stop when the sample client has finished, with its exit code), <c>-f &lt;run file&gt;</c>
    /// (default: the first dapr.yaml in the working folder or above it), and any option of <c>run</c>, e.g. <c>--replicas server=2</c>.</param>
    /// <param name="output">Where the apps' output goes.</param>
    /// <param name="stop">Ctrl+C or SIGTERM.</param>
    /// <returns>The run command's exit code.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken stop)
    {
        if (args.Any(arg => HelpSwitches.Contains(arg, StringComparer.OrdinalIgnoreCase)))
        {
            output.Write(Usage);
            return Task.FromResult(0);
        }

        var rest = args.Where(a => !string.Equals(a, "--once", StringComparison.OrdinalIgnoreCase)).ToList();
        if (!rest.Contains("-f") && !rest.Contains("--run-file"))
        {
            rest.InsertRange(0, ["-f", Find(Directory.GetCurrentDirectory()) ?? Find(AppContext.BaseDirectory) ?? RunFile.DefaultFileName]);
        }

        if (rest.Count != args.Length)
        {
            rest.AddRange(["--exit-with", "client"]);
        }

        output.WriteLine("AsyncMcp.Dapr demo: dapr.yaml over the Dapr sidecar emulator (no Dapr install); each app builds and starts in turn.");
        return MultiAppRunCommand.RunAsync(["run", .. rest], output, stop);
    }

    /// <summary>The first dapr.yaml in <paramref name="start"/> or a folder above it.</summary>
    internal static string? Find(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, RunFile.DefaultFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
