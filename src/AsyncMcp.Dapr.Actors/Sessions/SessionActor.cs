using AsyncMcp.Dapr.Actors.Hosting;
using AsyncMcp.Dapr.Diagnostics;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Server.Sessions;
using Dapr.Actors.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>
/// One MCP session as a Dapr actor, keyed by session id. The actor runtime places it on exactly one replica and gives
/// it one call at a time; the actor owns the session's <c>McpServer</c> for as long as it is active there. Every message
/// is recorded in the actor's state before the server sees it (CloudEvent id for de-duplication, requests in flight,
/// the messages that shape the session), so that another activation, on this replica or another, can rebuild the server
/// by replaying the initialize exchange, and answers every request the previous one left unanswered.
/// </summary>
internal sealed class SessionActor : Actor, ISessionActor, IRemindable
{
    internal const string StateKey = "session";
    internal const string IdleReminder = "asyncmcp-idle";
    internal const string InFlightReminder = "asyncmcp-inflight";

    // How long a message waits for answers still being published before it is recorded: the tail of a publish the
    // sidecar has accepted is far shorter; a publish stuck longer is left to a later save.
    private static readonly TimeSpan AnswerPublishWait = TimeSpan.FromSeconds(1);

    private readonly DaprPubSubServerOptions _options;
    private readonly ActorSessionOptions _sessionOptions;
    private readonly McpServerOptions _serverOptions;
    private readonly SessionOutboxFactory _outboxes;
    private readonly ISessionCap _cap;
    private readonly TimeProvider _time;
    private readonly McpDaprMetrics _metrics;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly ActorSessionsDrain _drain;
    private readonly AnsweredRequests _answered = new();
    private LiveSession? _live;

    // Whether this activation knows the in-flight reminder to be registered, and whether requests came since it last fired.
    private bool _watchArmed;
    private bool _requestsSinceCheck;

    public SessionActor(
        ActorHost host,
        IOptions<DaprPubSubServerOptions> options,
        IOptions<ActorSessionOptions> sessionOptions,
        IOptions<McpServerOptions> serverOptions,
        SessionOutboxFactory outboxes,
        ISessionCap cap,
        TimeProvider time,
        McpDaprMetrics metrics,
        ILoggerFactory loggerFactory,
        IServiceProvider services,
        ActorSessionsDrain drain)
        : base(host)
    {
        _drain = drain;
        _options = options.Value;
        _sessionOptions = sessionOptions.Value;
        _serverOptions = serverOptions.Value;
        _outboxes = outboxes;
        _cap = cap;
        _time = time;
        _metrics = metrics;
        _loggerFactory = loggerFactory;
        _services = services;
        _logger = loggerFactory.CreateLogger<SessionActor>();
    }

    private string SessionId => Id.GetId();

    public async Task<SessionOutcome> OpenAsync(SessionDelivery delivery)
    {
        // Actor calls arrive as requests of their own: the delivery's scope does not reach here.
        using var scope = Diagnostics.Log.BeginMessageScope(_logger, delivery.EventId, SessionId);
        if (await LoadAsync() is { } existing)
        {
            // Only a redelivered initialize reaches an existing session: its id is derived from the event id.
            return existing.OwnerAppId == delivery.Source ? SessionOutcome.Duplicate : SessionOutcome.Forbidden;
        }

        if (_drain.IsDraining)
        {
            // This replica is stopping: the session would open here and its first request be cut off.
            return SessionOutcome.ShuttingDown;
        }

        var initialize = (JsonRpcRequest)SessionMessages.Read(delivery.Message!);
        MessageIds.Set(initialize, delivery.EventId);
        var now = _time.GetUtcNow();
        var record = new SessionRecord
        {
            SessionId = SessionId,
            OwnerAppId = delivery.Source,
            ReplyTo = delivery.ReplyTo!,
            Connection = delivery.Connection,
            Replay = [delivery.Message!],
            LastActivity = now,
        };
        SeenWindow.Add(record, delivery.EventId, _sessionOptions.DeduplicationWindow);
        await SaveAsync(record);

        // The session expires through a durable reminder, which fires on whichever replica owns the session then.
        var check = IdleCheckPeriod();
        await RegisterReminderAsync(IdleReminder, null, check, check);
        SessionLog.SessionOpened(_logger, SessionId, delivery.Source, delivery.EventId);

        var live = await EnsureLiveAsync(record, replay: false, delivery.EventId);
        await live.Transport.DeliverAsync(InHandlerContext(initialize, delivery), CancellationToken.None);
        return SessionOutcome.Accepted;
    }

    public async Task<SessionOutcome> DeliverAsync(SessionDelivery delivery)
    {
        using var scope = Diagnostics.Log.BeginMessageScope(_logger, delivery.EventId, SessionId);
        var (record, refusal) = await LoadOwnedAsync(delivery);
        if (record is null)
        {
            return refusal;
        }

        if (SeenWindow.Contains(record, delivery.EventId))
        {
            ActorSessionLog.DuplicateSessionEvent(_logger, delivery.EventId, SessionId);
            _metrics.Redelivered();
            return SessionOutcome.Duplicate;
        }

        var message = SessionMessages.Read(delivery.Message!);
        if (message is JsonRpcRequest && _drain.IsDraining)
        {
            // This replica is stopping: a new request is refused rather than cut off later, and not recorded, so that
            // the replica that takes the session over does not answer it again.
            return SessionOutcome.ShuttingDown;
        }

        var live = await EnsureLiveAsync(record, replay: true, delivery.EventId);
        // An answer the client may already hold (it sent this message after reading it) is reported before this save.
        await live.Transport.WhenAnswersPublishedAsync(AnswerPublishWait, _time);
        MessageIds.Set(message, delivery.EventId);
        SeenWindow.Add(record, delivery.EventId, _sessionOptions.DeduplicationWindow);
        record.LastActivity = _time.GetUtcNow();
        // Keeps the messages that change the session's state, so that a rebuilt server reaches the same state.
        SessionShaping.Shape(record.Replay, message, delivery.Message!);
        // The answers given since the last save ride on this one: no write of their own.
        _answered.TakeFrom(record);
        if (SessionMessages.CancelledId(message) is { } cancelled)
        {
            // A cancelled request gets no answer (MCP cancellation): it leaves the list here, or it would stay there
            // for good, keep the in-flight check running, and be answered or run again by the next owner.
            record.InFlight.RemoveAll(r => r.Id == cancelled);
        }
        else if (message is JsonRpcRequest request)
        {
            _requestsSinceCheck = true;
            record.InFlight.Add(new InFlightRequest
            {
                Id = SessionMessages.Id(request.Id),
                Method = request.Method,
                Message = delivery.Message!,
                Idempotent = IsIdempotent(request),
            });
        }

        // Durable before the server sees it: a replica that dies from here on leaves a request someone will answer.
        await SaveAsync(record);
        if (message is JsonRpcRequest && !_watchArmed)
        {
            // Registered once while the session is busy, not per request: it stays until a check finds the session quiet.
            await RegisterReminderAsync(InFlightReminder, null, _sessionOptions.InFlightCheckInterval, _sessionOptions.InFlightCheckInterval);
            _watchArmed = true;
        }

        await live.Transport.DeliverAsync(InHandlerContext(message, delivery), CancellationToken.None);
        return SessionOutcome.Accepted;
    }

    // The session's record, if it exists and belongs to the app that sent the delivery; otherwise why not.
    private async Task<(SessionRecord? Record, SessionOutcome Refusal)> LoadOwnedAsync(SessionDelivery delivery)
    {
        var record = await LoadAsync();
        if (record is null)
        {
            return (null, SessionOutcome.NotFound);
        }

        if (record.OwnerAppId != delivery.Source)
        {
            SessionLog.ForeignSession(_logger, delivery.EventId, delivery.Source, SessionId, record.OwnerAppId);
            return (null, SessionOutcome.Forbidden);
        }

        return (record, SessionOutcome.Accepted);
    }

    public async Task<SessionOutcome> CloseAsync(SessionDelivery delivery)
    {
        using var scope = Diagnostics.Log.BeginMessageScope(_logger, delivery.EventId, SessionId);
        var (record, refusal) = await LoadOwnedAsync(delivery);
        if (record is null)
        {
            return refusal;
        }

        await EndAsync("closed by the client", delivery.EventId);
        return SessionOutcome.Accepted;
    }

    public async Task CompleteAsync(string[] requestIds)
    {
        // Answers leave the list with the actor's next save; this saves now (the drain of a stopping replica asks so).
        foreach (var id in requestIds)
        {
            _answered.Add(id);
        }

        if (await LoadAsync() is { } record && _answered.TakeFrom(record))
        {
            await SaveAsync(record);
        }
    }

    public async Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        // A reminder is no message: its lines carry the session only.
        using var scope = Diagnostics.Log.BeginSessionScope(_logger, SessionId);
        var record = await LoadAsync();
        if (record is null)
        {
            await UnregisterReminderAsync(reminderName);
            return;
        }

        if (reminderName == InFlightReminder)
        {
            // Activating the session on its current owner is what answers the requests a dead replica left behind.
            _watchArmed = true;
            await EnsureLiveAsync(record, replay: true, messageId: null);

            // While requests keep coming, the next message's save takes the answers off the list: a busy session's check
            // writes nothing. Quiet since the last check: the answers are saved now, and with nothing left in flight the
            // watch ends until the next request.
            if (!_requestsSinceCheck)
            {
                if (_answered.TakeFrom(record))
                {
                    await SaveAsync(record);
                }

                if (record.InFlight.Count == 0)
                {
                    await UnregisterReminderAsync(InFlightReminder);
                    _watchArmed = false;
                }
            }

            _requestsSinceCheck = false;
            return;
        }

        var answered = _answered.TakeFrom(record);
        if (reminderName == IdleReminder && record.InFlight.Count == 0 &&
            _time.GetUtcNow() - record.LastActivity > _options.SessionIdleTimeout)
        {
            await EndAsync("idle for longer than " + _options.SessionIdleTimeout);
        }
        else if (answered)
        {
            await SaveAsync(record);
        }
    }

    protected override async Task OnDeactivateAsync()
    {
        if (_live is { } live)
        {
            _live = null;
            _drain.Remove(SessionId, live);
            await live.DisposeAsync();
        }

        if (!_answered.IsEmpty)
        {
            // Answers not saved yet (an actor idle for less than the in-flight check): saved now if the actor may still
            // write here. If not (it moved), the next owner answers those ids again, as the rule for a dead replica says.
            var count = _answered.Count;
            try
            {
                if (await LoadAsync() is { } record && _answered.TakeFrom(record))
                {
                    await SaveAsync(record);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ActorSessionLog.AnswersNotSaved(_logger, ex, count, SessionId);
            }
        }
    }

    private async Task<SessionRecord?> LoadAsync()
    {
        var value = await StateManager.TryGetStateAsync<SessionRecord>(StateKey);
        return value.HasValue ? value.Value : null;
    }

    private async Task SaveAsync(SessionRecord record)
    {
        await StateManager.SetStateAsync(StateKey, record);
        await StateManager.SaveStateAsync();
    }

    private async Task EndAsync(string reason, string? messageId = null)
    {
        await StateManager.TryRemoveStateAsync(StateKey);
        await StateManager.SaveStateAsync();
        await UnregisterReminderAsync(IdleReminder);
        await UnregisterReminderAsync(InFlightReminder);
        await _cap.ReleaseAsync();
        await OnDeactivateAsync();
        SessionLog.SessionEnded(_logger, SessionId, reason, messageId);
    }

    /// <summary>The running server of this activation, rebuilt from the record when the activation is new.</summary>
    /// <param name="record">The session's state.</param>
    /// <param name="replay">Whether the server is rebuilt from the record (any activation but the opening one).</param>
    /// <param name="messageId">The event that needs the server, for the log; <see langword="null"/> for a reminder.</param>
    private async Task<LiveSession> EnsureLiveAsync(SessionRecord record, bool replay, string? messageId)
    {
        if (_live is { } existing)
        {
            return existing;
        }

        // Replies take the route the opener named, to its connection.
        var live = SessionShaping.StartServer(_outboxes, SessionId, record.ReplyTo, record.Connection, Answered, _serverOptions, _loggerFactory, _services);
        _live = live;
        _drain.Add(SessionId, live);
        if (!replay)
        {
            return live;
        }

        // Requests in flight now were accepted by an activation that is gone: each is answered or run again, never left.
        var rebuilt = await SessionShaping.RebuildAsync(live, record.Replay, record.InFlight, delivering: null, _sessionOptions.ReplayTimeout);
        foreach (var request in rebuilt.Failed)
        {
            record.InFlight.Remove(request);
        }

        foreach (var request in rebuilt.Rerun)
        {
            request.Reruns++;
        }

        if (rebuilt.Failed.Count + rebuilt.Rerun.Count > 0)
        {
            await SaveAsync(record);
            foreach (var request in rebuilt.Rerun)
            {
                await live.Transport.DeliverAsync(SessionMessages.Read(request.Message), CancellationToken.None);
            }
        }

        ActorSessionLog.SessionRebuilt(_logger, SessionId, messageId, rebuilt.Replayed, rebuilt.Failed.Count, rebuilt.Rerun.Count);
        return live;
    }
    // Called from the server's sending thread once an answer is published; the actor's next save takes it off the list.
    private void Answered(RequestId id, string? _) => _answered.Add(SessionMessages.Id(id));

    // The server's handlers then log with the message's ids and join its trace, outside the actor call's context.
    private JsonRpcMessage InHandlerContext(JsonRpcMessage message, SessionDelivery delivery)
    {
        MessageIds.SetDelivered(message, delivery.EventId, delivery.Source);
        MessageIds.SetReplyPath(message, new DeliveredReplyPath(delivery.ReplyTo, SessionId, delivery.Connection));
        message.Context!.ExecutionContext = HandlerContext.Create(_logger, delivery.EventId, SessionId);
        return message;
    }

    private bool IsIdempotent(JsonRpcRequest request) =>
        request.Method == RequestMethods.ToolsCall && SessionMessages.ToolName(request) is { } name &&
        _serverOptions.ToolCollection is { } tools && tools.TryGetPrimitive(name, out var tool) &&
        tool.ProtocolTool.Annotations?.IdempotentHint == true;

    private TimeSpan IdleCheckPeriod()
    {
        var quarter = _options.SessionIdleTimeout / 4;
        return quarter < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : quarter;
    }
}
