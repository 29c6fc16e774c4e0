using System.Diagnostics;
using System.Text;
using AsyncMcp.Dapr.Emulator;

namespace AsyncMcp.Dapr.Template.Tests;

/// <summary>
/// The generated app in a process of its own, started as <c>dapr run</c> starts an app: <c>APP_ID</c> and the sidecar's
/// endpoints in its environment (here an emulated sidecar's), then the sidecar attached once the app listens.
/// </summary>
internal sealed class GeneratedServer : IAsyncDisposable
{
    private const string ListeningMarker = "Now listening on: ";

    private readonly Process _process;
    private readonly DaprSidecar _sidecar;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GeneratedServer(Process process, DaprSidecar sidecar)
    {
        _process = process;
        _sidecar = sidecar;
    }

    /// <summary>Where the app listens.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>What the app has written to its console so far.</summary>
    public string Output => DotnetCli.Text(_output);

    public static async Task<GeneratedServer> StartAsync(GeneratedProject project, DaprSidecar sidecar, CancellationToken ct)
    {
        var start = DotnetCli.StartInfo(project.ServerFolder, [project.AssemblyPath], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["APP_ID"] = project.AppId,
            ["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString(),
            ["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString(),
            // Each item of the sample tool takes a second by default; a test need not wait that long.
            ["BatchTool__ItemMilliseconds"] = "20",
        });
        var server = new GeneratedServer(new Process { StartInfo = start, EnableRaisingEvents = true }, sidecar);
        try
        {
            await server.RunAsync(ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"The generated server exited with code {_process.ExitCode}:{Environment.NewLine}{Output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            Address = await _listening.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The generated server did not report its address within a minute:{Environment.NewLine}{Output}");
        }

        // As daprd does once the app port answers: read /dapr/subscribe and /dapr/config, then start delivering.
        await _sidecar.AttachAppAsync(Address, ct);
    }

    private void OnLine(string? line)
    {
        DotnetCli.Append(_output, line);
        var marker = line?.IndexOf(ListeningMarker, StringComparison.Ordinal) ?? -1;
        if (marker >= 0)
        {
            _listening.TrySetResult(new Uri(line![(marker + ListeningMarker.Length)..].Trim()));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
        await _sidecar.DisposeAsync();
    }
}
