using AsyncMcp.Dapr.Hosting;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>
/// The servers of the workflow sessions whose turns run on this replica, for the app's drain on shutdown: their
/// requests in flight are waited for, those left at the end are answered with -32016, and new ones are refused with
/// -32016 (<see cref="LiveWorkflowSession"/>). The sessions outlive the drain: their workflows move to another replica,
/// or wait for this one to restart. The drain ends once every answer given here is stored in its workflow's record, so
/// that the replica that takes a session over does not answer or run again a request answered here.
/// </summary>
internal sealed class WorkflowSessionsDrain(LiveSessions live) : IDrainable
{
    public int InFlight => live.Sessions.Sum(session => session.PendingRequests);

    public async Task AbandonAsync(string reason)
    {
        foreach (var session in live.Sessions)
        {
            await session.AbandonAsync(reason).ConfigureAwait(false);
        }
    }

    public Task SettleAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(live.Sessions.Select(session => session.SettleAsync(cancellationToken)));
}
