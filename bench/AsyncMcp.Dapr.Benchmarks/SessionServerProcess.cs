using System.Diagnostics;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Server;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>
/// The sample server in a process of its own, wired to an emulated sidecar in this one, so that its managed heap holds
/// the server's memory only: the broker, the state store and the reminders stay on the sidecar's side, as with daprd.
/// </summary>
internal sealed class SessionServerProcess : IAsyncDisposable
{
    /// <summary>The first argument that makes this program the server process instead of the benchmark.</summary>
    public const string ChildArgument = "--session-server";

    private readonly Process _process;
    private readonly DaprSidecar _sidecar;
    private readonly HttpClient _http;

    private SessionServerProcess(Process process, DaprSidecar sidecar, Uri address)
    {
        _process = process;
        _sidecar = sidecar;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>Starts a sidecar for app-id <c>server</c>, the server process against it, and attaches the two.</summary>
    /// <param name="emulator">The emulated cluster.</param>
    /// <param name="host">The session host: in-memory, actors or workflows.</param>
    /// <param name="actorIdleTimeout">How long an idle actor stays active.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<SessionServerProcess> StartAsync(DaprEmulator emulator, string host, TimeSpan actorIdleTimeout, CancellationToken cancellationToken)
    {
        var sidecar = await emulator.StartSidecarAsync("server", cancellationToken);
        var address = new Uri($"http://127.0.0.1:{BenchEnvironment.FreePort()}");
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(SessionServerProcess).Assembly.Location);
        }

        start.ArgumentList.Add(ChildArgument);
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        start.Environment["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString();
        start.Environment["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString();
        start.Environment["Mcp__PubSub__AppId"] = "server";
        start.Environment["Mcp__PubSub__MaxSessions"] = "100000";
        start.Environment["Mcp__Sessions__Actors"] = host == "actors" ? "true" : "false";
        start.Environment["Mcp__Sessions__Workflows"] = host == "workflows" ? "true" : "false";
        start.Environment["Bench__ActorIdleTimeout"] = actorIdleTimeout.ToString();
        var process = Process.Start(start) ?? throw new InvalidOperationException("The server process did not start.");
        var server = new SessionServerProcess(process, sidecar, address);
        try
        {
            await server.WaitHealthyAsync(cancellationToken);
            await sidecar.AttachAppAsync(address, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The server's managed heap after full, compacting collections.</summary>
    public async Task<long> HeapAsync(CancellationToken cancellationToken) =>
        await _http.GetFromJsonAsync<long>("/bench/heap", cancellationToken);

    /// <summary>Runs the server process (this program started with <see cref="ChildArgument"/>).</summary>
    public static async Task RunAsync()
    {
        var app = ServerApp.Build([], builder =>
        {
            builder.Logging.ClearProviders();
            if (builder.Configuration.GetValue<TimeSpan?>("Bench:ActorIdleTimeout") is { } idle)
            {
                builder.Services.Configure<global::Dapr.Actors.Runtime.ActorRuntimeOptions>(runtime =>
                {
                    runtime.ActorIdleTimeout = idle;
                    runtime.ActorScanInterval = TimeSpan.FromSeconds(1);
                });
            }
        });
        app.MapGet("/bench/heap", () => SettledHeap());
        await app.RunAsync();
    }

    private static long SettledHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server process exited with code {_process.ExitCode}.");
            }

            try
            {
                using var response = await _http.GetAsync("/healthz", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
        await _sidecar.DisposeAsync();
    }
}
