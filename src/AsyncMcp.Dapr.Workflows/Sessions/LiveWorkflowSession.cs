using System.Threading.Channels;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Server.Sessions;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>
/// The server of one workflow session on this replica: started fresh by the opening turn, or rebuilt from the record a
/// turn carries (replaying the messages that shaped the session, then answering the requests a replica that is gone
/// left in flight: idempotent tools run again once, the others answered with -32015). What it learns goes back to the
/// workflow as events: requests answered, given up, run again.
/// </summary>
internal sealed class LiveWorkflowSession : IAsyncDisposable
{
    private readonly string _sessionId;
    private readonly string _instanceId;
    private readonly SessionOutboxFactory _outboxes;
    private readonly IDaprWorkflowClient _workflows;
    private readonly McpServerOptions _serverOptions;
    private readonly WorkflowSessionOptions _options;
    private readonly TimeProvider _time;
    private readonly DrainState _drain;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly Channel<LiveWork> _work = Channel.CreateUnbounded<LiveWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pump;

    // The "answered" events on their way to the workflow: the drain waits for them before the replica exits.
    private readonly List<Task> _completions = [];
    private LiveSession? _live;
    private long _lastWork;

    public LiveWorkflowSession(
        string sessionId,
        string instanceId,
        SessionOutboxFactory outboxes,
        IDaprWorkflowClient workflows,
        McpServerOptions serverOptions,
        WorkflowSessionOptions options,
        TimeProvider time,
        DrainState drain,
        ILoggerFactory loggerFactory,
        IServiceProvider services,
        ILogger logger)
    {
        _drain = drain;
        _sessionId = sessionId;
        _instanceId = instanceId;
        _outboxes = outboxes;
        _workflows = workflows;
        _serverOptions = serverOptions;
        _options = options;
        _time = time;
        _lastWork = time.GetUtcNow().UtcTicks;
        _loggerFactory = loggerFactory;
        _services = services;
        _logger = logger;
        _pump = Task.Run(PumpAsync);
    }

    public void Post(LiveWork work)
    {
        Interlocked.Exchange(ref _lastWork, _time.GetUtcNow().UtcTicks);
        _work.Writer.TryWrite(work);
    }

    public bool IsIdle(DateTimeOffset now, TimeSpan idleFor) =>
        now.UtcTicks - Interlocked.Read(ref _lastWork) > idleFor.Ticks;

    /// <summary>Requests handed to the server here and not answered yet.</summary>
    public int PendingRequests => _live?.Transport.PendingRequests ?? 0;

    /// <summary>Answers the requests still unanswered with -32016 (the drain ran out); each answer is reported to the workflow.</summary>
    public Task AbandonAsync(string reason) => _live is { } live ? live.Transport.AbandonPendingAsync(reason) : Task.CompletedTask;

    /// <summary>Waits until the workflow has stored every answer reported so far.</summary>
    public Task SettleAsync(CancellationToken cancellationToken)
    {
        Task[] pending;
        lock (_completions)
        {
            pending = [.. _completions];
        }

        return Task.WhenAll(pending).WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
        if (_live is { } live)
        {
            _live = null;
            await live.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task PumpAsync()
    {
        using var scope = Log.BeginSessionScope(_logger, _sessionId);
        await foreach (var work in _work.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                var live = _live ?? await StartAsync(work).ConfigureAwait(false);
                if (work.Message is { } text && work.EventId is { } eventId)
                {
                    var message = SessionMessages.Read(text);
                    MessageIds.Set(message, eventId);
                    if (work.Snapshot is { } snapshot)
                    {
                        // As the other hosts do: work outliving the request (a task) reaches the client from any replica.
                        MessageIds.SetDelivered(message, eventId, snapshot.OwnerAppId);
                        MessageIds.SetReplyPath(message, new DeliveredReplyPath(snapshot.ReplyTo, _sessionId, snapshot.Connection));
                    }

                    if (message is JsonRpcRequest request && _drain.IsDraining)
                    {
                        // This replica is stopping: a new request is refused rather than cut off later. The answer is
                        // reported as any other, so that the workflow takes it off its record of requests in flight.
                        WorkflowSessionLog.RefusedWhileStopping(_logger, eventId, _sessionId);
                        await live.Transport.SendMessageAsync(new JsonRpcError
                        {
                            Id = request.Id,
                            Error = new JsonRpcErrorDetail { Code = Wire.McpWireErrorCodes.ShuttingDown, Message = SessionRefusals.ShuttingDownText },
                        }).ConfigureAwait(false);
                        continue;
                    }

                    await live.Transport.DeliverAsync(message, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // The workflow still holds the message in flight: a later turn rebuilds the server and answers it.
                WorkflowSessionLog.LiveWorkFailed(_logger, ex, _sessionId, work.EventId);
                if (_live is { } broken)
                {
                    _live = null;
                    await broken.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<LiveSession> StartAsync(LiveWork work)
    {
        var snapshot = work.Snapshot ?? throw new InvalidOperationException($"Session {_sessionId} has no record to start from.");
        var live = SessionShaping.StartServer(_outboxes, _sessionId, snapshot.ReplyTo, snapshot.Connection, Answered, _serverOptions, _loggerFactory, _services);
        _live = live;
        if (work.Opening)
        {
            return live;
        }

        // In flight now, and not the message this work delivers: accepted by a server that is gone. Answer each.
        var rebuilt = await SessionShaping.RebuildAsync(live, snapshot.Replay, snapshot.InFlight, work.Message, _options.ReplayTimeout).ConfigureAwait(false);
        if (rebuilt.Failed.Count + rebuilt.Rerun.Count > 0)
        {
            // Recorded before the re-runs start, so that a second rebuild gives up instead of running them a third time.
            await _workflows.RaiseEventAsync(_instanceId, SessionWorkflow.EventName, new SessionSignal
            {
                Kind = SignalKinds.Rebuilt,
                RequestIds = [.. rebuilt.Failed.Select(r => r.Id)],
                Rerun = [.. rebuilt.Rerun.Select(r => r.Id)],
            }).ConfigureAwait(false);
            foreach (var request in rebuilt.Rerun)
            {
                await live.Transport.DeliverAsync(SessionMessages.Read(request.Message), CancellationToken.None).ConfigureAwait(false);
            }
        }

        WorkflowSessionLog.SessionRebuilt(_logger, _sessionId, work.EventId, rebuilt.Replayed, rebuilt.Failed.Count, rebuilt.Rerun.Count);
        return live;
    }

    private void Answered(RequestId id, string? answerId)
    {
        var requestId = SessionMessages.Id(id);
        var raised = Task.Run(async () =>
        {
            try
            {
                await _workflows.RaiseEventAsync(_instanceId, SessionWorkflow.EventName,
                    new SessionSignal { Kind = SignalKinds.Answered, RequestIds = [requestId] }).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A later rebuild answers it again (the client ignores a second answer to an id it has settled).
                WorkflowSessionLog.CompletionFailed(_logger, ex, requestId, _sessionId, answerId);
            }
        });
        lock (_completions)
        {
            _completions.RemoveAll(t => t.IsCompleted);
            _completions.Add(raised);
        }
    }
}
