using AsyncMcp.Dapr.Server.Sessions;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>Why and how a session's workflow ends.</summary>
internal sealed record SessionEnd(string SessionId, string Reason, string? EventId);

/// <summary>Gives the ended session's slot back to the cap shared by the replicas, and logs the end.</summary>
internal sealed class EndSessionActivity(ISessionCap cap, ILogger<EndSessionActivity> logger) : WorkflowActivity<SessionEnd, bool>
{
    public const string Name = "mcp-session-end";

    public override async Task<bool> RunAsync(WorkflowActivityContext context, SessionEnd input)
    {
        await cap.ReleaseAsync();
        SessionLog.SessionEnded(logger, input.SessionId, input.Reason, input.EventId);
        return true;
    }
}
