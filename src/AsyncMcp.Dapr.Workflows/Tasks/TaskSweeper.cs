using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>Purges expired tasks every <see cref="DaprTasksOptions.SweepInterval"/>, so that none outlives its TTL for long.</summary>
internal sealed class TaskSweeper(WorkflowTaskStore store, IOptions<DaprTasksOptions> options, TimeProvider time, ILogger<TaskSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await store.SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The sidecar may not be up yet; the next tick tries again.
                Log.SweepFailed(logger, ex.Message);
            }
        }
    }
}
