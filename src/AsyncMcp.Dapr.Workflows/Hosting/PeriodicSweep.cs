using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Workflows.Hosting;

/// <summary>
/// A background service that runs one sweep every <c>interval</c> while the app runs. A sweep that fails is logged and
/// tried again at the next tick: the sidecar may not be up yet, and every sweep is safe to repeat.
/// </summary>
internal abstract class PeriodicSweep(TimeSpan interval, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>What the sweep clears, for the log (e.g. <c>expired tasks</c>).</summary>
    protected abstract string What { get; }

    /// <summary>Runs one sweep.</summary>
    protected abstract Task SweepOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Tasks.Log.SweepFailed(logger, What, ex.Message);
            }
        }
    }
}
