using AsyncMcp.Dapr.Actors.Sessions;
using AsyncMcp.Dapr.Server.Sessions;
using AsyncMcp.Dapr.Wire;
using Dapr.Workflow;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>
/// Hosts sessions as Dapr workflow instances (<see cref="SessionWorkflow"/>, instance id = prefix + session id).
/// Whichever replica the sidecar delivers a message to checks the session (exists, owned by the sender) and raises the
/// message to its workflow; it answers the sidecar SUCCESS only once the event is stored. Sessionless (2026-07-28)
/// traffic is served here, in memory, without a workflow.
/// </summary>
internal sealed class WorkflowSessionHost(
    InMemorySessionHost sessionless,
    IDaprWorkflowClient workflows,
    SessionCounter cap,
    EndedSessions ended,
    SessionRefusals refusals,
    IOptions<WorkflowSessionOptions> sessionOptions,
    IOptions<McpServerOptions> serverOptions,
    ILogger<WorkflowSessionHost> logger) : IMcpSessionHost, IAsyncDisposable
{
    private readonly WorkflowSessionOptions _options = sessionOptions.Value;

    /// <summary>Sessions are counted across replicas by the cap; this is the sessionless lanes of this replica.</summary>
    public int OpenSessions => sessionless.OpenSessions;

    /// <summary>The workflow instance id of a session.</summary>
    public string InstanceOf(string sessionId) => _options.InstanceIdPrefix + sessionId;

    public async Task<DeliveryStatus> DispatchAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.SessionId is { } sessionId)
        {
            return await SignalAsync(envelope, sessionId, SignalKinds.Message, cancellationToken);
        }

        if (envelope.Message is JsonRpcRequest { Method: RequestMethods.Initialize })
        {
            return await OpenAsync(envelope, cancellationToken);
        }

        return await sessionless.DispatchAsync(envelope, cancellationToken);
    }

    public Task<DeliveryStatus> CloseAsync(McpEnvelope envelope, CancellationToken cancellationToken) =>
        SignalAsync(envelope, envelope.SessionId!, SignalKinds.Close, cancellationToken);

    public ValueTask DisposeAsync() => sessionless.DisposeAsync();

    private async Task<DeliveryStatus> OpenAsync(McpEnvelope envelope, CancellationToken cancellationToken)
    {
        // Derived from the event, as the actor host does: a redelivered initialize names the same instance.
        var sessionId = SessionIds.ForInitialize(envelope);
        using var scope = Diagnostics.Log.BeginSessionScope(logger, sessionId);
        try
        {
            if (await FindAsync(sessionId, cancellationToken) is { } existing)
            {
                return await RefuseExistingAsync(envelope, sessionId, existing, cancellationToken);
            }

            if (!await cap.TryReserveAsync(cancellationToken))
            {
                await refusals.CapReachedAsync(logger, envelope, cancellationToken);
                return DeliveryStatus.Success;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            WorkflowSessionLog.WorkflowCallFailed(logger, ex, envelope.Id, sessionId);
            return DeliveryStatus.Retry;
        }

        var text = SessionMessages.Write(envelope.Message!);
        var state = new SessionState
        {
            SessionId = sessionId,
            OwnerAppId = envelope.Source,
            ReplyTo = envelope.ReplyTo!.ToString(),
            Connection = envelope.Connection,
            Replay = [text],
            Seen = [envelope.Id],

            // In flight until answered, as any request: the session cannot expire under its own initialize.
            InFlight = [new InFlightRequest { Id = SessionMessages.Id(((JsonRpcRequest)envelope.Message!).Id), Method = RequestMethods.Initialize, Message = text }],
        };
        try
        {
            await workflows.ScheduleNewWorkflowAsync(SessionWorkflow.Name, InstanceOf(sessionId), state, null, cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists)
        {
            // A concurrent delivery of the same initialize won the race: this one is a duplicate.
            await cap.ReleaseAsync();
            return DeliveryStatus.Success;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            WorkflowSessionLog.WorkflowCallFailed(logger, ex, envelope.Id, sessionId);
            await cap.ReleaseAsync();
            return DeliveryStatus.Retry;
        }

        SessionLog.SessionOpened(logger, sessionId, envelope.Source, envelope.Id);
        return DeliveryStatus.Success;
    }

    private async Task<DeliveryStatus> RefuseExistingAsync(McpEnvelope envelope, string sessionId, string owner, CancellationToken cancellationToken)
    {
        if (owner != envelope.Source)
        {
            await refusals.ForbiddenAsync(logger, envelope, sessionId, owner, cancellationToken);
        }

        return DeliveryStatus.Success;
    }

    private async Task<DeliveryStatus> SignalAsync(McpEnvelope envelope, string sessionId, string kind, CancellationToken cancellationToken)
    {
        try
        {
            var owner = await FindAsync(sessionId, cancellationToken);
            if (owner is null)
            {
                await refusals.NotFoundAsync(logger, envelope, sessionId, cancellationToken);
                return DeliveryStatus.Success;
            }

            if (owner != envelope.Source)
            {
                await refusals.ForbiddenAsync(logger, envelope, sessionId, owner, cancellationToken);
                return DeliveryStatus.Success;
            }

            await workflows.RaiseEventAsync(InstanceOf(sessionId), SessionWorkflow.EventName, new SessionSignal
            {
                Kind = kind,
                EventId = envelope.Id,
                Message = envelope.Message is { } message ? SessionMessages.Write(message) : null,
                Idempotent = envelope.Message is JsonRpcRequest request && IsIdempotent(request),
            }, cancellationToken);
            return DeliveryStatus.Success;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not stored (or not known to be): the sidecar delivers it again, and the workflow drops it if it was.
            WorkflowSessionLog.WorkflowCallFailed(logger, ex, envelope.Id, sessionId);
            return DeliveryStatus.Retry;
        }
    }

    /// <summary>The owner of a running session, or <see langword="null"/> when there is none (never opened, closed, expired).</summary>
    private async Task<string?> FindAsync(string sessionId, CancellationToken cancellationToken)
    {
        var state = await workflows.GetWorkflowStateAsync(InstanceOf(sessionId), true, cancellationToken);
        if (state is { Exists: true, RuntimeStatus: WorkflowRuntimeStatus.Pending })
        {
            // Created, its first turn not yet committed (the client may answer the initialize result that fast): wait
            // for the turn, which names the workflow and its owner.
            state = await workflows.WaitForWorkflowStartAsync(InstanceOf(sessionId), true, cancellationToken);
        }

        if (state is not { Exists: true } || state.WorkflowName != SessionWorkflow.Name)
        {
            return null;
        }

        if (EndedSessions.Read(sessionId, state) is { } end)
        {
            // Still in the store: its replica stopped before it purged it, or it failed or was terminated (by an
            // operator with Dapr's workflow tooling) without ending the session.
            await ended.ForgetAsync(end, CancellationToken.None);
            return null;
        }

        // The custom status is set by the first turn; until then the input (the record) names the owner.
        var status = state.ReadCustomStatusAs<SessionStatus>();
        return status is { Ended: true } ? null : status?.Owner ?? state.ReadInputAs<SessionState>()?.OwnerAppId;
    }

    private bool IsIdempotent(JsonRpcRequest request) =>
        request.Method == RequestMethods.ToolsCall && SessionMessages.ToolName(request) is { } name &&
        serverOptions.Value.ToolCollection is { } tools && tools.TryGetPrimitive(name, out var tool) &&
        tool.ProtocolTool.Annotations?.IdempotentHint == true;
}
