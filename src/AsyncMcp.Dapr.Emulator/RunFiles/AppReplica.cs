using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace AsyncMcp.Dapr.Emulator.RunFiles;

/// <summary>
/// One instance of a run file's app: its OS process and its emulated sidecar. The sidecar waits for the app as
/// daprd does (its port open, then, with <c>enableAppHealthCheck</c>, its health path answering) before it reads the
/// app's subscriptions and actor types and starts delivering. When the process ends, its sidecar goes with it.
/// </summary>
public sealed partial class AppReplica : IAsyncDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly DaprEmulator _emulator;
    private readonly MultiAppRunOptions _options;
    private readonly LineWriter _output;
    private readonly Lock _gate = new();
    private SidecarPorts _ports;
    private Process? _process;
    private Task _exited = Task.CompletedTask;
    private bool _runStopping;

    // The console is the run's, shared by every replica and synchronized: each replica writes its app's lines from the
    // process's output threads, and a line must never mix with another app's.
    internal AppReplica(RunFileApp app, int index, int appPort, DaprEmulator emulator, MultiAppRunOptions options, TextWriter console)
    {
        App = app;
        Index = index;
        AppPort = appPort;
        _emulator = emulator;
        _options = options;
        Name = index == 0 ? app.AppId : $"{app.AppId}[{index}]";
        _ports = index == 0 ? new SidecarPorts(app.DaprHttpPort, app.DaprGrpcPort, appPort > 0) : new SidecarPorts(0, 0, appPort > 0);
        _output = LineWriter.For($"== APP - {Name} == ", app.AppLogDestination, console, app.LogsDirectory,
            index == 0 ? $"{app.AppId}_app" : $"{app.AppId}_{index}_app");
        Command = index == 0 || app.AppPort == 0 ? app.Command : app.Command.Select(a => Repoint(a, app.AppPort, appPort)).ToList();
    }

    /// <summary>The app as the run file declares it.</summary>
    public RunFileApp App { get; }

    /// <summary>0 for the first instance; replicas count up from 1.</summary>
    public int Index { get; }

    /// <summary>The app-id, with <c>[index]</c> for replicas after the first: the prefix of its output lines.</summary>
    public string Name { get; }

    /// <summary>The port the app listens on: <c>appPort</c> for the first instance, a free port for further replicas.</summary>
    public int AppPort { get; }

    /// <summary>The command this instance runs (a replica's names its own port where the file names <c>appPort</c>).</summary>
    public IReadOnlyList<string> Command { get; }

    /// <summary>The running sidecar, or null while it is stopped.</summary>
    public DaprSidecar? Sidecar { get; private set; }

    /// <summary>The app's process id, or null when no process runs.</summary>
    public int? ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false } p ? p.Id : null;
            }
        }
    }

    /// <summary>The exit code of the last process that ended, or null while none has.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>Completes when the current process has ended and its sidecar (if it went with it) has stopped.</summary>
    public Task Exited => _exited;

    /// <summary>The environment the app is given, the Dapr CLI's (dapr/cli <c>pkg/standalone/run.go</c>, getEnv).</summary>
    public IReadOnlyDictionary<string, string> Environment
    {
        get
        {
            var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["APP_ID"] = App.AppId };
            if (App.AppChannelAddress != "127.0.0.1")
            {
                env["APP_CHANNEL_ADDRESS"] = App.AppChannelAddress;
            }

            if (AppPort > 0)
            {
                env["APP_PORT"] = AppPort.ToString(CultureInfo.InvariantCulture);
            }

            env["DAPR_HTTP_PORT"] = _ports.Http.ToString(CultureInfo.InvariantCulture);
            env["DAPR_GRPC_PORT"] = _ports.Grpc.ToString(CultureInfo.InvariantCulture);
            env["APP_PROTOCOL"] = App.AppProtocol;
            if (_options.AppApiToken is { } token)
            {
                env["APP_API_TOKEN"] = token;
            }

            foreach (var (key, value) in App.Env)
            {
                env[key] = value;
            }

            _options.ConfigureEnvironment?.Invoke(this, env);
            return env;
        }
    }

    /// <summary>Starts the sidecar (if stopped) and the app's process, and waits until the sidecar has attached to the app.</summary>
    /// <param name="cancellationToken">Stops waiting (the process keeps running).</param>
    /// <exception cref="InvalidOperationException">The process is already running, or it ended before it was ready.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (ProcessId is not null)
        {
            throw new InvalidOperationException($"App '{Name}' is already running (pid {ProcessId}).");
        }

        await EnsureSidecarAsync(cancellationToken).ConfigureAwait(false);
        StartProcess();
        await AttachWhenReadyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the app's process tree at once (SIGKILL), as a crash would; its sidecar then stops.</summary>
    public async Task KillAsync()
    {
        var process = CurrentProcess();
        if (process is not null)
        {
            ProcessTree.Kill(process);
        }

        await _exited.ConfigureAwait(false);
    }

    /// <summary>Stops the app as <c>dapr run</c> does: SIGTERM to its process tree, SIGKILL after 5 s; its sidecar then stops.</summary>
    public async Task StopAsync()
    {
        var process = CurrentProcess();
        if (process is null)
        {
            await _exited.ConfigureAwait(false);
            return;
        }

        ProcessTree.Terminate(process);
        if (await Task.WhenAny(_exited, Task.Delay(ProcessTree.GracePeriod)).ConfigureAwait(false) != _exited)
        {
            _output.WriteLine($"did not stop within {ProcessTree.GracePeriod.TotalSeconds:0} s of SIGTERM: killing it");
            ProcessTree.Kill(process);
        }

        await _exited.ConfigureAwait(false);
    }

    /// <summary>Stops only the sidecar: the app keeps running and finds its Dapr APIs gone.</summary>
    public async Task StopSidecarAsync()
    {
        var sidecar = Sidecar;
        Sidecar = null;
        if (sidecar is not null)
        {
            await sidecar.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts the sidecar again on the same ports, waits for the running app and attaches to it.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task StartSidecarAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSidecarAsync(cancellationToken).ConfigureAwait(false);
        await AttachWhenReadyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the app (SIGTERM, then SIGKILL) and its sidecar.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await StopSidecarAsync().ConfigureAwait(false);
        _output.Dispose();
    }

    /// <summary>From now on a process that ends leaves its sidecar up: the run stops all apps first, then all sidecars.</summary>
    internal void KeepSidecarOnExit() => _runStopping = true;

    internal async Task EnsureSidecarAsync(CancellationToken cancellationToken)
    {
        if (Sidecar is not null)
        {
            return;
        }

        Sidecar = await _emulator.StartSidecarOnAsync(App.AppId, _ports, cancellationToken).ConfigureAwait(false);

        // Later restarts keep the ports the app was told about.
        _ports = _ports with { Http = Sidecar.HttpEndpoint.Port, Grpc = Sidecar.GrpcEndpoint.Port };
        _output.WriteLine($"sidecar (emulated) for app id \"{App.AppId}\": HTTP port {_ports.Http}, gRPC port {_ports.Grpc}");
    }

    private void StartProcess()
    {
        if (Command.Count == 0)
        {
            return;
        }

        var start = new ProcessStartInfo(Command[0])
        {
            WorkingDirectory = App.AppDirPath,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"App '{Name}': cannot start '{Command[0]}' in {App.AppDirPath}: {e.Message}", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_gate)
        {
            _process = process;
            _exited = WatchAsync(process);
        }

        _output.WriteLine($"started (pid {process.Id}): {string.Join(' ', Command)}");
    }

    private async Task WatchAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        ExitCode = process.ExitCode;
        _output.WriteLine(process.ExitCode == 0 ? "Exited App successfully" : $"The App process exited with error code: {process.ExitCode}");
        if (!_runStopping)
        {
            // daprd would stay up and (with health checks) take the app out of delivery after appHealthThreshold failed
            // probes; the emulated sidecar leaves at once, so its deliveries and actors move to live replicas.
            await StopSidecarAsync().ConfigureAwait(false);
        }
    }

    private async Task AttachWhenReadyAsync(CancellationToken cancellationToken)
    {
        if (AppPort <= 0)
        {
            return;
        }

        // A process that ends at once stops its sidecar from its exit watcher, possibly before this line: report the exit.
        var sidecar = Sidecar;
        if (sidecar is null)
        {
            ThrowIfEnded();
            throw new InvalidOperationException($"App '{Name}' has no sidecar.");
        }

        var address = new Uri($"http://{App.AppChannelAddress}:{AppPort}");
        await WaitForPortAsync(cancellationToken).ConfigureAwait(false);
        if (App.EnableAppHealthCheck)
        {
            await WaitForHealthAsync(new Uri(address, App.AppHealthCheckPath), cancellationToken).ConfigureAwait(false);
        }

        await sidecar.AttachAppAsync(address, _options.AppApiToken, cancellationToken).ConfigureAwait(false);
        _output.WriteLine($"sidecar attached to the app on {address}");
    }

    // daprd's blockUntilAppIsReady (dapr/dapr pkg/runtime/runtime.go): dial the app port with a 500 ms timeout, 50 ms apart.
    private async Task WaitForPortAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ThrowIfEnded();
            using var client = new TcpClient();
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromMilliseconds(500));
            try
            {
                await client.ConnectAsync(App.AppChannelAddress == "localhost" ? IPAddress.Loopback.ToString() : App.AppChannelAddress, AppPort, attempt.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // daprd's app health probe (dapr/dapr pkg/apphealth): GET the path, healthy on 2xx, probe timeout, probe interval.
    private async Task WaitForHealthAsync(Uri url, CancellationToken cancellationToken)
    {
        while (true)
        {
            ThrowIfEnded();
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(App.AppHealthProbeTimeout);
            try
            {
                using var response = await Probe.GetAsync(url, attempt.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not healthy yet: probe again after the interval.
            }

            await Task.Delay(App.AppHealthProbeInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private void ThrowIfEnded()
    {
        lock (_gate)
        {
            if (_process is { HasExited: true } p)
            {
                throw new InvalidOperationException($"App '{Name}' exited with code {p.ExitCode} before it was ready on port {AppPort}.");
            }
        }
    }

    private Process? CurrentProcess()
    {
        lock (_gate)
        {
            return _process is { HasExited: false } p ? p : null;
        }
    }

    private void Write(string? line)
    {
        if (line is not null)
        {
            _output.WriteLine(line);
        }
    }

    private static string Repoint(string argument, int from, int to) =>
        PortPattern().Replace(argument, m => m.Groups[1].Value == from.ToString(CultureInfo.InvariantCulture) ? ":" + to.ToString(CultureInfo.InvariantCulture) : m.Value);

    [GeneratedRegex(@":(\d+)(?!\d)")]
    private static partial Regex PortPattern();
}
