using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Actors.Sessions;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Sessions;
using Dapr.Workflow;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>
/// One MCP session as a Dapr workflow instance. The workflow is the session's record and its sequencer: every message
/// is raised to it as an event, and it decides, deterministically, what becomes of it (dropped as a duplicate, recorded
/// in flight, kept for rebuilding). The session's live <c>McpServer</c> cannot live in this code, which is replayed;
/// it lives in <see cref="LiveSessions"/> on the replica that runs this workflow's turns (the replica the sidecar placed
/// the workflow on), and each turn hands it the messages it accepted, only when the turn is not a replay.
/// </summary>
// The injected services are used deterministically (options) or only outside replay (the live sessions of this replica).
#pragma warning disable DAPR1305
internal sealed class SessionWorkflow(
    LiveSessions live,
    IOptions<DaprPubSubServerOptions> options,
    IOptions<WorkflowSessionOptions> sessionOptions) : Workflow<SessionState, string>
#pragma warning restore DAPR1305
{
    public const string Name = "mcp-session";
    public const string EventName = "mcp-session-event";

    // Generous: a failed end would leave the session's slot taken for good.
    private static readonly WorkflowTaskOptions EndRetries = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 30, firstRetryInterval: TimeSpan.FromMilliseconds(200), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)));

    /// <summary>How long an ended session's instance stays to answer messages raised as it ended (see EndAsync).</summary>
    internal static readonly TimeSpan EndingGrace = TimeSpan.FromSeconds(5);

    private readonly WorkflowSessionOptions _options = sessionOptions.Value;

    public override async Task<string> RunAsync(WorkflowContext context, SessionState state)
    {
        context.SetCustomStatus(new SessionStatus(state.OwnerAppId));
        if (!state.Opened)
        {
            state.Opened = true;
            state.LastActivity = context.CurrentUtcDateTime;
            var opening = state.Seen is [var first, ..] ? first : string.Empty;
            SeenWindow.Upgrade(state);
            Hand(context, state, LiveWork.Open(state.SessionId, Snapshot(state), state.Replay[0], opening));
        }

        var idleTimeout = options.Value.SessionIdleTimeout;
        var idleCheck = IdleCheckPeriod(idleTimeout);
        Task? timer = null;
        var timerDue = DateTime.MaxValue;
        var handled = 0;
        while (true)
        {
            if (handled >= _options.EventsPerGeneration)
            {
                // The history is replayed on every turn: start a fresh one from the record, keeping events not yet handled.
                context.ContinueAsNew(state, preserveUnprocessedEvents: true);
                return "continued";
            }

            var next = context.WaitForExternalEventAsync<SessionSignal>(EventName);
            while (true)
            {
                // One timer at a time, not one per event (each timer is a durable reminder in the sidecar), but a request
                // that came in flight needs the short check now, not when the idle check set before it fires; so does a
                // generation with events in it, which the check compacts once the session is quiet.
                var busy = state.InFlight.Count > 0 || handled > 0;
                var due = context.CurrentUtcDateTime + (busy && _options.InFlightCheckInterval < idleCheck ? _options.InFlightCheckInterval : idleCheck);
                if (timer is null || due < timerDue)
                {
                    timer = context.CreateTimer(due, CancellationToken.None);
                    timerDue = due;
                }

                if (await Task.WhenAny(next, timer) == next)
                {
                    break;
                }

                timer = null;
                timerDue = DateTime.MaxValue;
                if (state.InFlight.Count == 0 && context.CurrentUtcDateTime - state.LastActivity > idleTimeout)
                {
                    return await EndAsync(context, state, "idle for longer than " + idleTimeout, pending: next);
                }

                if (state.InFlight.Count > 0)
                {
                    // On a replica that took the session over, this rebuilds the server, which answers what was in flight.
                    Hand(context, state, LiveWork.Ensure(state.SessionId, Snapshot(state)));
                }
                else if (!next.IsCompleted)
                {
                    // Quiet: what an idle session keeps is its record and a few rows, not the history of the messages
                    // that went before (events raised from here on are carried into the next generation).
                    context.ContinueAsNew(state, preserveUnprocessedEvents: true);
                    return "continued";
                }
            }

            handled++;
            var signal = await next;
            switch (signal.Kind)
            {
                case SignalKinds.Message:
                    Accept(context, state, signal);
                    break;
                case SignalKinds.Close:
                    return await EndAsync(context, state, "closed by the client", signal.EventId);
                case SignalKinds.Answered:
                    // The session was busy until its answer: idle time counts from here.
                    state.LastActivity = context.CurrentUtcDateTime;
                    state.InFlight.RemoveAll(r => signal.RequestIds?.Contains(r.Id, StringComparer.Ordinal) == true);
                    break;
                case SignalKinds.Rebuilt:
                    state.LastActivity = context.CurrentUtcDateTime;
                    state.InFlight.RemoveAll(r => signal.RequestIds?.Contains(r.Id, StringComparer.Ordinal) == true);
                    foreach (var request in state.InFlight.Where(r => signal.Rerun?.Contains(r.Id, StringComparer.Ordinal) == true))
                    {
                        request.Reruns++;
                    }

                    break;
            }
        }
    }

    private void Accept(WorkflowContext context, SessionState state, SessionSignal signal)
    {
        if (signal.EventId is not { } eventId || signal.Message is not { } text || SeenWindow.Contains(state, eventId))
        {
            // A redelivered message: handled once already.
            return;
        }

        SeenWindow.Add(state, eventId, _options.DeduplicationWindow);

        state.LastActivity = context.CurrentUtcDateTime;
        var message = SessionMessages.Read(text);
        SessionShaping.Shape(state.Replay, message, text);
        if (message is JsonRpcNotification { Method: NotificationMethods.CancelledNotification, Params: JsonObject cancelled } &&
            cancelled["requestId"] is { } cancelledId)
        {
            // A cancelled request gets no answer (MCP cancellation): it leaves the list here, or it would hold the session open.
            var id = cancelledId.ToJsonString();
            state.InFlight.RemoveAll(r => r.Id == id);
        }
        else if (message is JsonRpcRequest request)
        {
            state.InFlight.Add(new InFlightRequest
            {
                Id = SessionMessages.Id(request.Id),
                Method = request.Method,
                Message = text,
                Idempotent = signal.Idempotent,
            });
        }

        Hand(context, state, LiveWork.Deliver(state.SessionId, Snapshot(state), text, eventId));
    }

    private async Task<string> EndAsync(WorkflowContext context, SessionState state, string reason, string? eventId = null, Task<SessionSignal>? pending = null)
    {
        // Ended from this turn on: the server stops, and replicas that read the status answer -32001 themselves.
        context.SetCustomStatus(new SessionStatus(state.OwnerAppId, Ended: true));
        Hand(context, state, LiveWork.End(state.SessionId));

        // An activity, so that the slot is given back at least once even if this replica stops now; retried while the
        // counter cannot be reached (the release is idempotent per session, so a retry after a lost reply is harmless).
        var end = context.CallActivityAsync<bool>(EndSessionActivity.Name, new SessionEnd(state.SessionId, reason, eventId), EndRetries);

        // A replica that read the status just before this turn may still raise a message, which a completed instance
        // would drop unseen: stay a little while and answer such messages as a closed session does.
        var linger = Task.WhenAll(end, context.CreateTimer(EndingGrace, CancellationToken.None));
        var next = pending ?? context.WaitForExternalEventAsync<SessionSignal>(EventName);
        while (await Task.WhenAny(next, linger) == next)
        {
            var signal = await next;
            if (signal is { Kind: SignalKinds.Message, Message: { } text, EventId: { } id } && !SeenWindow.Contains(state, id) && !context.IsReplaying)
            {
                live.Refuse(state.SessionId, Snapshot(state), text);
            }

            next = context.WaitForExternalEventAsync<SessionSignal>(EventName);
        }

        await end;
        return reason;
    }

    // Side effects leave the workflow only on the turn that decides them, never when the turn is replayed.
    private void Hand(WorkflowContext context, SessionState state, LiveWork work)
    {
        if (!context.IsReplaying)
        {
            live.Post(context.InstanceId, work);
        }
    }

    // A copy: the record keeps changing on later turns while the live session reads this one.
    private static SessionSnapshot Snapshot(SessionState state) => new(
        state.ReplyTo,
        state.Connection,
        [.. state.Replay],
        [.. state.InFlight.Select(r => new InFlightRequest { Id = r.Id, Method = r.Method, Message = r.Message, Idempotent = r.Idempotent, Reruns = r.Reruns })],
        state.OwnerAppId);

    private static TimeSpan IdleCheckPeriod(TimeSpan idleTimeout)
    {
        var quarter = idleTimeout / 4;
        return quarter < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : quarter;
    }
}
