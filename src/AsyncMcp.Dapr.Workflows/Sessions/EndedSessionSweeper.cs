using AsyncMcp.Dapr.Workflows.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>
/// Every <see cref="WorkflowSessionOptions.EndedSweepInterval"/>, forgets the sessions ended for at least that long
/// (<see cref="EndedSessions"/>): an instance that no message names again, whose replica stopped before purging it or
/// that an operator terminated, would otherwise stay in the state store and, when it did not end by itself, hold its
/// slot of the session cap for good.
/// </summary>
internal sealed class EndedSessionSweeper(EndedSessions ended, IOptions<WorkflowSessionOptions> options, TimeProvider time, ILogger<EndedSessionSweeper> logger)
    : PeriodicSweep(options.Value.EndedSweepInterval, time, logger)
{
    protected override string What => "ended sessions";

    // The grace is one interval: an operator has that long to look at an ended instance, and the replica that ended a
    // session purges it itself first.
    protected override Task SweepOnceAsync(CancellationToken cancellationToken) =>
        ended.SweepAsync(options.Value.EndedSweepInterval, cancellationToken);
}
