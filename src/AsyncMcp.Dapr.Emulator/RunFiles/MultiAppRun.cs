using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Emulator.RunFiles;

/// <summary>
/// Runs a Dapr multi-app run file over the emulator: each app's <c>command</c> as its own OS process in its
/// <c>appDirPath</c>, with the environment <c>dapr run</c> gives it, next to its own emulated sidecar. This process
/// holds what daprd, placement, the scheduler and the state store hold in a real run, so an app process can be killed
/// and restarted while the state, the topics and the actor placement live on.
/// </summary>
/// <remarks>
/// Unlike <c>dapr run -f</c>, apps start one after another in file order, each once its sidecar has attached to it
/// (port open, then health), so an app never publishes to a topic whose subscriber is still starting. Stopping ends
/// every app first (SIGTERM, SIGKILL after 5 s) and then the sidecars; the CLI kills daprd first.
/// </remarks>
public sealed class MultiAppRun : IAsyncDisposable
{
    private readonly List<AppReplica> _replicas = [];
    private readonly LineLoggerProvider _logs;
    private readonly TextWriter _output;
    private Task? _stopping;

    private MultiAppRun(RunFile runFile, DaprEmulator emulator, LineLoggerProvider logs, TextWriter output)
    {
        RunFile = runFile;
        Emulator = emulator;
        _logs = logs;
        _output = output;
    }

    /// <summary>The run file.</summary>
    public RunFile RunFile { get; }

    /// <summary>The emulated cluster: components, topics, state and actor placement of every sidecar of the run.</summary>
    public DaprEmulator Emulator { get; }

    /// <summary>Every instance of every app, in start order.</summary>
    public IReadOnlyList<AppReplica> Replicas => _replicas;

    /// <summary>From the start of <see cref="StartAsync"/> to every sidecar attached to its app.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>An instance of an app.</summary>
    /// <param name="appId">The app-id.</param>
    /// <param name="index">0 for the first instance.</param>
    public AppReplica Replica(string appId, int index = 0) =>
        _replicas.FirstOrDefault(r => r.App.AppId == appId && r.Index == index)
        ?? throw new ArgumentException($"No instance {index} of app '{appId}' in this run.", nameof(appId));

    /// <summary>Starts the apps of <paramref name="runFile"/> one after another, each once the previous one is attached to its sidecar.</summary>
    /// <param name="runFile">The run file.</param>
    /// <param name="options">Replicas, output and overrides; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start; what was started is stopped.</param>
    /// <exception cref="RunFileException">The apps use different resources folders, or a replica count names no app.</exception>
    /// <exception cref="InvalidOperationException">An app could not start or ended before it was ready.</exception>
    public static async Task<MultiAppRun> StartAsync(RunFile runFile, MultiAppRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runFile);
        options ??= new MultiAppRunOptions();
        var clock = Stopwatch.StartNew();
        var resources = runFile.Apps[0].ResourcesPaths;
        var other = runFile.Apps.FirstOrDefault(a => !a.ResourcesPaths.SequenceEqual(resources));
        if (other is not null)
        {
            throw new RunFileException($"{runFile.Path}: app '{other.AppId}' reads {string.Join(", ", other.ResourcesPaths)} but '{runFile.Apps[0].AppId}' reads "
                + $"{string.Join(", ", resources)}; the emulator runs one set of components for every app of a run");
        }

        foreach (var (appId, count) in options.Replicas)
        {
            if (runFile.Apps.All(a => a.AppId != appId) || count < 1)
            {
                throw new RunFileException($"--replicas {appId}={count}: " + (count < 1 ? "at least 1 instance" : $"no app '{appId}' in {runFile.Path}"));
            }
        }

        var output = TextWriter.Synchronized(options.Output);
        var logs = EmulatorLog(runFile, output);
        var emulatorOptions = options.Emulator;
        emulatorOptions.LoggerFactory = LoggerFactory.Create(b => b.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var run = new MultiAppRun(runFile, DaprEmulator.FromResources(resources, emulatorOptions), logs, output);
        try
        {
            foreach (var file in runFile.Warnings)
            {
                await output.WriteLineAsync($"warning: {file}").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"Dapr sidecars emulated in this process (no daprd); components from {string.Join(", ", resources)}").ConfigureAwait(false);
            foreach (var app in runFile.Apps)
            {
                var effective = options.Command is null ? app : Rewrite(app, options.Command(app));
                var group = Enumerable.Range(0, options.Replicas.TryGetValue(app.AppId, out var n) ? n : 1)
                    .Select(i => new AppReplica(effective, i, i == 0 || effective.AppPort == 0 ? effective.AppPort : FreePorts.Next(), run.Emulator, options, output))
                    .ToList();
                run._replicas.AddRange(group);
                await Task.WhenAll(group.Select(r => r.StartAsync(cancellationToken))).ConfigureAwait(false);
            }

            run.StartupTime = clock.Elapsed;
            await output.WriteLineAsync($"All {run._replicas.Count} app instance(s) of {runFile.Path} are up ({run.StartupTime.TotalSeconds:0.0} s)").ConfigureAwait(false);
            return run;
        }
        catch
        {
            await run.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops every app first (SIGTERM, SIGKILL after 5 s), then every sidecar, then the emulated cluster.</summary>
    public Task StopAsync() => _stopping ??= StopCoreAsync();

    /// <summary>Stops the run (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task StopCoreAsync()
    {
        await _output.WriteLineAsync("Stopping the apps, then their sidecars").ConfigureAwait(false);
        foreach (var replica in _replicas)
        {
            replica.KeepSidecarOnExit();
        }

        await Task.WhenAll(_replicas.Select(r => r.StopAsync())).ConfigureAwait(false);
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync().ConfigureAwait(false);
        }

        await Emulator.DisposeAsync().ConfigureAwait(false);
        await _output.WriteLineAsync("Stopped").ConfigureAwait(false);
        _logs.Dispose();
    }

    private static RunFileApp Rewrite(RunFileApp app, IReadOnlyList<string> command) => new()
    {
        AppId = app.AppId,
        AppDirPath = app.AppDirPath,
        AppPort = app.AppPort,
        AppChannelAddress = app.AppChannelAddress,
        AppProtocol = app.AppProtocol,
        Command = command,
        Env = app.Env,
        ResourcesPaths = app.ResourcesPaths,
        DaprHttpPort = app.DaprHttpPort,
        DaprGrpcPort = app.DaprGrpcPort,
        EnableAppHealthCheck = app.EnableAppHealthCheck,
        AppHealthCheckPath = app.AppHealthCheckPath,
        AppHealthProbeInterval = app.AppHealthProbeInterval,
        AppHealthProbeTimeout = app.AppHealthProbeTimeout,
        AppHealthThreshold = app.AppHealthThreshold,
        AppLogDestination = app.AppLogDestination,
        DaprdLogDestination = app.DaprdLogDestination,
    };

    // One emulator serves every sidecar, so its log is one: on the console if any app's daprdLogDestination says so,
    // and in {run file folder}/.dapr/logs/emulator_{timestamp}.log if any says file.
    private static LineLoggerProvider EmulatorLog(RunFile runFile, TextWriter output)
    {
        const string Prefix = "== DAPR - emulator == ";
        var destinations = runFile.Apps.Select(a => a.DaprdLogDestination).ToList();
        var console = destinations.Any(d => d != LogDestination.File) ? new LineWriter(Prefix, output, null) : null;
        var file = destinations.Any(d => d != LogDestination.Console)
            ? LineWriter.For(Prefix, LogDestination.File, output, Path.Combine(Path.GetDirectoryName(runFile.Path)!, ".dapr", "logs"), "emulator_daprd")
            : null;
        return new LineLoggerProvider(console, file);
    }
}
