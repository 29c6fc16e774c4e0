using AsyncMcp.Dapr.Actors.Sessions;
using AsyncMcp.Dapr.Server.Sessions;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>Why and how a session's workflow ends.</summary>
internal sealed record SessionEnd(string SessionId, string Reason, string? EventId);

/// <summary>
/// Gives the ended session's slot back to the cap shared by the replicas, and logs the end. Throws when the counter cannot
/// be reached, so that the workflow retries it; the counter gives a session's slot back once however often it is asked.
/// </summary>
internal sealed class EndSessionActivity(SessionCounter cap, ILogger<EndSessionActivity> logger) : WorkflowActivity<SessionEnd, bool>
{
    public const string Name = "mcp-session-end";

    public override async Task<bool> RunAsync(WorkflowActivityContext context, SessionEnd input)
    {
        await cap.ReleaseSessionAsync(input.SessionId);
        SessionLog.SessionEnded(logger, input.SessionId, input.Reason, input.EventId);
        return true;
    }
}
