using System.Collections.Concurrent;
using AsyncMcp.Dapr.Server.Replies;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
    ILoggerFactory loggerFactory,
    IServiceProvider services) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, LiveWorkflowSession> _sessions = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger<LiveSessions>();

    /// <summary>The sessions with a server on this replica now.</summary>
    public int Count => _sessions.Count;

    /// <summary>Queues work for a session's server; never blocks.</summary>
    public void Post(string instanceId, LiveWork work)
    {
        if (work.Ending)
        {
            if (_sessions.TryRemove(work.SessionId, out var ended))
            {
                _ = ended.DisposeAsync().AsTask();
            }

            return;
        }

        var session = _sessions.GetOrAdd(work.SessionId, id => new LiveWorkflowSession(
            id, instanceId, outboxes, workflows, serverOptions.Value, sessionOptions.Value, time, loggerFactory, services, _logger));
        session.Post(work);
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

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _sessions.Keys)
        {
            if (_sessions.TryRemove(id, out var session))
            {
                await session.DisposeAsync();
            }
        }
    }
}
