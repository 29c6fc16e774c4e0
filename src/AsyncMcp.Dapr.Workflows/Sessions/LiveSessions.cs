using System.Collections.Concurrent;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Server.Sessions;
using AsyncMcp.Dapr.Wire;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>
/// The live <c>McpServer</c>s of the sessions whose workflows run their turns on this replica. A turn hands work over
/// without waiting (workflow code must not await anything but the workflow's own tasks); each session works through
/// its work in order on its own. A session whose workflow has moved to another replica stops here once idle.
/// </summary>
internal sealed class LiveSessions(
    SessionOutboxFactory outboxes,
    IDaprWorkflowClient workflows,
    IOptions<McpServerOptions> serverOptions,
    IOptions<WorkflowSessionOptions> sessionOptions,
    TimeProvider time,
    DrainState drain,
    ILoggerFactory loggerFactory,
    IServiceProvider services) : IAsyncDisposable
{
    // How often, and how many times, the replica that ended a session looks whether its instance has completed.
    private static readonly TimeSpan PurgePoll = TimeSpan.FromSeconds(2);
    private const int PurgeAttempts = 30;

    private readonly CancellationTokenSource _stopping = new();

    private readonly ConcurrentDictionary<string, LiveWorkflowSession> _sessions = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger<LiveSessions>();

    /// <summary>The sessions with a server on this replica now.</summary>
    public int Count => _sessions.Count;

    /// <summary>The sessions with a server on this replica now, for the drain.</summary>
    public ICollection<LiveWorkflowSession> Sessions => _sessions.Values;

    /// <summary>Queues work for a session's server; never blocks.</summary>
    public void Post(string instanceId, LiveWork work)
    {
        if (work.Ending)
        {
            if (_sessions.TryRemove(work.SessionId, out var ended))
            {
                _ = ended.DisposeAsync().AsTask();
            }

            _ = PurgeWhenCompletedAsync(work.SessionId, instanceId);
            return;
        }

        var session = _sessions.GetOrAdd(work.SessionId, id => new LiveWorkflowSession(
            id, instanceId, outboxes, workflows, serverOptions.Value, sessionOptions.Value, time, drain, loggerFactory, services, _logger));
        session.Post(work);
    }

    /// <summary>Answers a request that reached a session as it ended with -32001, as for any closed session; never blocks.</summary>
    public void Refuse(string sessionId, SessionSnapshot snapshot, string message)
    {
        if (SessionMessages.Read(message) is not JsonRpcRequest request || !ReplyAddress.TryParse(snapshot.ReplyTo, out var replyTo))
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await using var outbox = outboxes.Open(sessionId, replyTo, snapshot.Connection, onFailed: static _ => { });
                await outbox.SendAsync(new JsonRpcError
                {
                    Id = request.Id,
                    Error = new JsonRpcErrorDetail { Code = McpWireErrorCodes.SessionNotFound, Message = SessionRefusals.NotFoundText(sessionId) },
                }, CancellationToken.None);
            }
            catch (Exception ex)
            {
                WorkflowSessionLog.RefusalFailed(_logger, ex, sessionId);
            }
        });
    }

    /// <summary>Stops the servers of sessions that saw no work for <paramref name="idleFor"/>: their workflows may have moved.</summary>
    public async Task SweepAsync(DateTimeOffset now, TimeSpan idleFor)
    {
        foreach (var (id, session) in _sessions)
        {
            if (session.IsIdle(now, idleFor) && _sessions.TryRemove(new KeyValuePair<string, LiveWorkflowSession>(id, session)))
            {
                await session.DisposeAsync();
            }
        }
    }

    // An ended session's instance is removed from the workflow store once it completes (after its grace period), so that
    // ended sessions do not pile up there. Polled with short calls, not long-polled: a held call would hold up the
    // sidecar's shutdown. Best effort: the host purges an ended instance it meets later (WorkflowSessionHost.FindAsync).
    private async Task PurgeWhenCompletedAsync(string sessionId, string instanceId)
    {
        try
        {
            await Task.Delay(SessionWorkflow.EndingGrace + PurgePoll, _stopping.Token);
            for (var attempt = 0; attempt < PurgeAttempts; attempt++)
            {
                var state = await workflows.GetWorkflowStateAsync(instanceId, false, _stopping.Token);
                if (state is not { Exists: true })
                {
                    return;
                }

                if (state.RuntimeStatus is WorkflowRuntimeStatus.Completed or WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated)
                {
                    await workflows.PurgeInstanceAsync(instanceId, _stopping.Token);
                    WorkflowSessionLog.SessionPurged(_logger, sessionId, instanceId);
                    return;
                }

                await Task.Delay(PurgePoll, _stopping.Token);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The replica is stopping.
        }
        catch (Exception ex)
        {
            WorkflowSessionLog.PurgeFailed(_logger, ex, sessionId, instanceId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var id in _sessions.Keys)
        {
            if (_sessions.TryRemove(id, out var session))
            {
                await session.DisposeAsync();
            }
        }
    }
}
