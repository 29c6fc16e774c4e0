using System.Diagnostics;

namespace AsyncMcp.Dapr.Emulator.Cli.Tests;

/// <summary>
/// The emulator CLI as a process (dapr-emulator run -f): SIGTERM stops the apps first (they get SIGTERM and finish),
/// then the sidecars, and the CLI exits 0; as `dapr run -f` stops on a signal (dapr/cli cmd/run.go, executeRun).
/// </summary>
public sealed class CliProcessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("runfile-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Sigterm_stops_the_apps_first_then_the_sidecars_and_the_cli_exits_zero()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM is a POSIX signal.");
        var ct = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(Path.Combine(_folder, "app"));
        Directory.CreateDirectory(Path.Combine(_folder, "res"));
        var runFile = Path.Combine(_folder, "dapr.yaml");
        await File.WriteAllTextAsync(runFile, """
            version: 1
            common:
              resourcesPaths: [./res]
              appLogDestination: console
            apps:
            - appID: looper
              appDirPath: ./app
              command: ["sh", "-c", "trap 'echo got SIGTERM; exit 0' TERM; echo looping; while true; do sleep 0.1; done"]
            """, ct);
        var output = new RecordedOutput();
        using var cli = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet", [Repository.BuiltAssembly("AsyncMcp.Dapr.Emulator.Cli"), "run", "-f", runFile])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            },
        };
        cli.OutputDataReceived += (_, e) => output.WriteLine(e.Data);
        cli.ErrorDataReceived += (_, e) => output.WriteLine(e.Data);
        cli.Start();
        cli.BeginOutputReadLine();
        cli.BeginErrorReadLine();
        try
        {
            await output.LineAsync(l => l == "== APP - looper == looping", ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
            await output.LineAsync(l => l.StartsWith("All 1 app instance(s)", StringComparison.Ordinal), ct).WaitAsync(TimeSpan.FromSeconds(60), ct);

            using (var kill = Process.Start("kill", ["-TERM", cli.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(ct);
            }

            await cli.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
        finally
        {
            if (!cli.HasExited)
            {
                cli.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(0, cli.ExitCode);
        var lines = output.Lines.ToList();
        var stopping = lines.IndexOf("Stopping the apps, then their sidecars");
        var appGotTerm = lines.IndexOf("== APP - looper == got SIGTERM");
        var sidecarStopped = lines.IndexOf("Stopped");
        Assert.True(stopping >= 0 && appGotTerm > stopping && sidecarStopped > appGotTerm, output.Text);
        Assert.Contains("== APP - looper == Exited App successfully", lines);
    }
}
