using AsyncMcp.Dapr.Actors.Sessions;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>One session whose workflow instance has ended and is still in the workflow store.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Status">How its instance ended: completed (closed or expired), failed, or terminated.</param>
/// <param name="EndedAt">When the instance last changed: the moment it ended.</param>
/// <param name="Failure">Why it failed, for a failed instance.</param>
internal sealed record EndedSession(string SessionId, WorkflowRuntimeStatus Status, DateTimeOffset EndedAt, string? Failure = null);

/// <summary>
/// The ended sessions of this app, as the workflow store records them: an ended instance keeps its runtime status and the
/// time it last changed, and any replica can list and read them. No record of our own is written, because an operator's
/// <c>dapr workflow terminate</c> runs none of our code: the store's own record is the only one every end leaves.
/// Forgetting an ended session gives its slot back (once, however often it is asked) and purges its instance.
/// </summary>
internal sealed class EndedSessions(
    IDaprWorkflowClient workflows,
    SessionCounter cap,
    IOptions<WorkflowSessionOptions> options,
    TimeProvider time,
    ILogger<EndedSessions> logger)
{
    private const int PageSize = 200;

    /// <summary>Whether an instance in <paramref name="status"/> has ended for good.</summary>
    public static bool HasEnded(WorkflowRuntimeStatus status) =>
        status is WorkflowRuntimeStatus.Completed or WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated;

    /// <summary>The session an ended workflow state describes, or <see langword="null"/> for one that is not an ended session.</summary>
    public static EndedSession? Read(string sessionId, WorkflowState? state) =>
        state is { Exists: true } && state.WorkflowName == SessionWorkflow.Name && HasEnded(state.RuntimeStatus)
            ? new EndedSession(sessionId, state.RuntimeStatus, state.LastUpdatedAt, state.FailureDetails?.ErrorMessage)
            : null;

    /// <summary>Every ended session of this app still in the workflow store.</summary>
    public async IAsyncEnumerable<EndedSession> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var prefix = options.Value.InstanceIdPrefix;
        string? token = null;
        do
        {
            var page = await workflows.ListInstanceIdsAsync(token, PageSize, cancellationToken);
            foreach (var instanceId in page.InstanceIds)
            {
                if (!instanceId.StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                var sessionId = instanceId[prefix.Length..];
                if (Read(sessionId, await workflows.GetWorkflowStateAsync(instanceId, false, cancellationToken)) is { } ended)
                {
                    yield return ended;
                }
            }

            token = string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>Forgets every session ended for longer than <paramref name="grace"/>; returns how many. Safe on every replica at once.</summary>
    public async Task<int> SweepAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var forgotten = 0;
        await foreach (var ended in ListAsync(cancellationToken))
        {
            if (now - ended.EndedAt >= grace && await ForgetAsync(ended, cancellationToken))
            {
                forgotten++;
            }
        }

        if (forgotten > 0)
        {
            WorkflowSessionLog.EndedSessionsSwept(logger, forgotten, grace);
        }

        return forgotten;
    }

    /// <summary>
    /// Gives the slot of a session that did not end by itself back (a completed session gave it back before it completed;
    /// a failed or terminated one may not have) and purges its instance. Failures are logged: the next sweep, or the next
    /// message that names the session, tries again.
    /// </summary>
    public async Task<bool> ForgetAsync(EndedSession ended, CancellationToken cancellationToken = default)
    {
        var instanceId = options.Value.InstanceIdPrefix + ended.SessionId;
        if (ended.Status is not WorkflowRuntimeStatus.Completed)
        {
            WorkflowSessionLog.WorkflowEnded(logger, ended.SessionId, ended.Status.ToString(), ended.Failure);
        }

        try
        {
            if (ended.Status is not WorkflowRuntimeStatus.Completed)
            {
                await cap.ReleaseSessionAsync(ended.SessionId, cancellationToken);
            }

            await workflows.PurgeInstanceAsync(instanceId, cancellationToken);
            WorkflowSessionLog.SessionPurged(logger, ended.SessionId, instanceId);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            WorkflowSessionLog.PurgeFailed(logger, ex, ended.SessionId, instanceId);
            return false;
        }
    }
}
