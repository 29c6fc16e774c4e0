using AsyncMcp.Dapr.Workflows.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>Purges expired tasks every <see cref="DaprTasksOptions.SweepInterval"/>, so that none outlives its TTL for long.</summary>
internal sealed class TaskSweeper(WorkflowTaskStore store, IOptions<DaprTasksOptions> options, TimeProvider time, ILogger<TaskSweeper> logger)
    : PeriodicSweep(options.Value.SweepInterval, time, logger)
{
    protected override string What => "expired tasks";

    protected override Task SweepOnceAsync(CancellationToken cancellationToken) => store.SweepAsync(cancellationToken);
}
