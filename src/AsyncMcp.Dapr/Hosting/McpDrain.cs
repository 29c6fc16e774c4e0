using System.Diagnostics;
using AsyncMcp.Dapr.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// The app's drain on shutdown. It runs when the host starts stopping, before any hosted service stops and before the
/// web server closes its port (<see cref="IHostedLifecycleService.StoppingAsync"/>), so that the sidecar can still
/// deliver the answers of requests in flight and the app can still publish through it, as daprd's graceful shutdown
/// keeps its API up for the app (dapr/dapr pkg/runtime/runtime.go, gracefulShutdownDuration and
/// blockShutdownDuration). From then on the parts refuse new requests (<see cref="DrainState"/>); the drain waits up
/// to <see cref="McpShutdownOptions.DrainPeriod"/> for the requests in flight, then answers the rest with an error.
/// </summary>
internal sealed class McpDrain(DrainState state, IEnumerable<IDrainable> parts, IOptions<McpShutdownOptions> options, TimeProvider time, ILogger<McpDrain> logger)
    : IHostedLifecycleService
{
    /// <summary>Requests in flight in every part.</summary>
    public int InFlight => parts.Sum(part => part.InFlight);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.Begin();
        var period = options.Value.DrainPeriod;
        var started = Stopwatch.GetTimestamp();
        Log.Draining(logger, InFlight, period);
        try
        {
            while (InFlight > 0 && Stopwatch.GetElapsedTime(started) < period)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout came first.
        }

        var left = InFlight;
        if (left > 0)
        {
            Log.DrainAbandoned(logger, left, period);
            foreach (var part in parts)
            {
                await part.AbandonAsync($"The app is shutting down and the request did not finish within its drain period of {period.TotalSeconds:0.#} s.").ConfigureAwait(false);
            }
        }
        else
        {
            Log.Drained(logger, Stopwatch.GetElapsedTime(started));
        }

        foreach (var part in parts)
        {
            try
            {
                await part.SettleAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown timeout came first.
            }
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
