using System.Globalization;
using System.Runtime.InteropServices;

namespace AsyncMcp.Dapr.Emulator.RunFiles;

/// <summary>
/// The command line of the emulator's <c>dapr run -f</c>: <c>run -f &lt;file|folder&gt; [--replicas app=N]...
/// [--exit-with app]</c>. Shared by the emulator CLI and the no-install demo, so both run the run file the same way.
/// </summary>
public static class MultiAppRunCommand
{
    /// <summary>The usage text.</summary>
    internal const string Usage = """
        usage: run -f <run file or folder> [--replicas <app-id>=<n>]... [--exit-with <app-id>]
          -f, --run-file   a Dapr multi-app run file (dapr.yaml), or a folder holding one
          --replicas       start n instances of an app (one consumer group, one actor placement)
          --exit-with      stop everything when this app's process ends, with its exit code
          -h, --help       this text
        Ctrl+C or SIGTERM stops the apps first (SIGTERM, SIGKILL after 5 s), then their sidecars.
        APP_API_TOKEN in this process's environment is the app API token every sidecar sends (dapr-api-token) and every app gets.
        """;

    /// <summary>Runs the command until <paramref name="stop"/> fires (Ctrl+C, SIGTERM) or the <c>--exit-with</c> app ends.</summary>
    /// <param name="args">The arguments, starting with <c>run</c>.</param>
    /// <param name="output">Where the apps' lines and the runner's go.</param>
    /// <param name="stop">Stops the run.</param>
    /// <param name="configure">Further changes to the run's options (tests: built assemblies, settings).</param>
    /// <returns>0 on a clean stop; the <c>--exit-with</c> app's exit code; 1 for a bad file or an app that failed to start; 2 for bad arguments.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken stop, Action<MultiAppRunOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        // Apps write their lines from their own threads; the runner's lines must not split them either.
        output = TextWriter.Synchronized(output);
        if (args.Any(arg => arg is "-h" or "--help" or "-?"))
        {
            await output.WriteLineAsync("dapr-emulator: Dapr multi-app run files (dapr.yaml) over the Dapr sidecar emulator, each app its own process." + Environment.NewLine + Usage).ConfigureAwait(false);
            return 0;
        }

        if (!TryParse(args, out var path, out var replicas, out var exitWith, out var error))
        {
            await output.WriteLineAsync(error + Environment.NewLine + Usage).ConfigureAwait(false);
            return 2;
        }

        var options = new MultiAppRunOptions { Output = output };
        foreach (var (appId, count) in replicas)
        {
            options.Replicas[appId] = count;
        }

        configure?.Invoke(options);
        MultiAppRun? run = null;
        try
        {
            var runFile = RunFile.Load(path!);
            if (exitWith is not null && runFile.Apps.All(a => a.AppId != exitWith))
            {
                await output.WriteLineAsync($"--exit-with {exitWith}: no app '{exitWith}' in {runFile.Path}").ConfigureAwait(false);
                return 2;
            }

            run = await MultiAppRun.StartAsync(runFile, options, stop).ConfigureAwait(false);
            if (exitWith is null)
            {
                await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
                return 0;
            }

            var watched = run.Replica(exitWith);
            await Task.WhenAny(watched.Exited, Task.Delay(Timeout.Infinite, stop)).ConfigureAwait(false);
            return stop.IsCancellationRequested ? 0 : watched.ExitCode ?? 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (e is RunFileException or InvalidOperationException or NotSupportedException or IOException)
        {
            await output.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            if (run is not null)
            {
                await run.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs <paramref name="run"/> with a token that Ctrl+C or SIGTERM cancels, as <c>dapr run</c> stops on either.</summary>
    /// <param name="run">The command, given the stop token.</param>
    /// <returns>The command's exit code.</returns>
    public static async Task<int> RunUntilSignalAsync(Func<CancellationToken, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        ConsoleCancelEventHandler ctrlC = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += ctrlC;
        try
        {
            return await run(stop.Token).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= ctrlC;
        }
    }

    private static bool TryParse(string[] args, out string? path, out List<(string AppId, int Count)> replicas, out string? exitWith, out string? error)
    {
        path = null;
        exitWith = null;
        error = null;
        replicas = [];
        if (args.Length == 0 || args[0] != "run")
        {
            error = args.Length == 0 ? "no command" : $"unknown command '{args[0]}'";
            return false;
        }

        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "-f" or "--run-file" when value is not null:
                    path = value;
                    i++;
                    break;
                case "--exit-with" when value is not null:
                    exitWith = value;
                    i++;
                    break;
                case "--replicas" when value is not null:
                    var parts = value.Split('=', 2);
                    if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
                    {
                        error = $"--replicas {value}: expected <app-id>=<n> with n >= 1";
                        return false;
                    }

                    replicas.Add((parts[0], count));
                    i++;
                    break;
                default:
                    error = $"unknown or incomplete option '{args[i]}'";
                    return false;
            }
        }

        error = path is null ? "-f <run file> is required" : null;
        return path is not null;
    }
}
