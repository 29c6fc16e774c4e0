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

    private readonly WorkflowSessionOptions _options = sessionOptions.Value;

    public override async Task<string> RunAsync(WorkflowContext context, SessionState state)
    {
        context.SetCustomStatus(new SessionStatus(state.OwnerAppId));
        if (!state.Opened)
        {
            state.Opened = true;
            state.LastActivity = context.CurrentUtcDateTime;
            Hand(context, state, LiveWork.Open(state.SessionId, Snapshot(state), state.Replay[0], state.Seen[0]));
        }

        var idleTimeout = options.Value.SessionIdleTimeout;
        var idleCheck = IdleCheckPeriod(idleTimeout);
        Task? timer = null;
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
                // One timer at a time, not one per event: each timer is a durable reminder in the sidecar.
                timer ??= context.CreateTimer(state.InFlight.Count > 0 && _options.InFlightCheckInterval < idleCheck ? _options.InFlightCheckInterval : idleCheck);
                if (await Task.WhenAny(next, timer) == next)
                {
                    break;
                }

                timer = null;
                if (state.InFlight.Count == 0 && context.CurrentUtcDateTime - state.LastActivity > idleTimeout)
                {
                    return await EndAsync(context, state, "idle for longer than " + idleTimeout);
                }

                if (state.InFlight.Count > 0)
                {
                    // On a replica that took the session over, this rebuilds the server, which answers what was in flight.
                    Hand(context, state, LiveWork.Ensure(state.SessionId, Snapshot(state)));
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
                    state.InFlight.RemoveAll(r => signal.RequestIds?.Contains(r.Id, StringComparer.Ordinal) == true);
                    break;
                case SignalKinds.Rebuilt:
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
        if (signal.EventId is not { } eventId || signal.Message is not { } text || state.Seen.Contains(eventId))
        {
            // A redelivered message: handled once already.
            return;
        }

        state.Seen.Add(eventId);
        if (state.Seen.Count > _options.DeduplicationWindow)
        {
            state.Seen.RemoveRange(0, state.Seen.Count - _options.DeduplicationWindow);
        }

        state.LastActivity = context.CurrentUtcDateTime;
        var message = SessionMessages.Read(text);
        SessionShaping.Shape(state.Replay, message, text);
        if (message is JsonRpcRequest request)
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

    private async Task<string> EndAsync(WorkflowContext context, SessionState state, string reason, string? eventId = null)
    {
        // An activity, so that the slot is given back at least once even if this replica stops now.
        await context.CallActivityAsync<bool>(EndSessionActivity.Name, new SessionEnd(state.SessionId, reason, eventId));
        Hand(context, state, LiveWork.End(state.SessionId));
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
        [.. state.InFlight.Select(r => new InFlightRequest { Id = r.Id, Method = r.Method, Message = r.Message, Idempotent = r.Idempotent, Reruns = r.Reruns })]);

    private static TimeSpan IdleCheckPeriod(TimeSpan idleTimeout)
    {
        var quarter = idleTimeout / 4;
        return quarter < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : quarter;
    }
}
