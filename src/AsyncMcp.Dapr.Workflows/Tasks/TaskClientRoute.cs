using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Client.Tasks;
using AsyncMcp.Dapr.Hosting;
using AsyncMcp.Dapr.Server.Replies;
using AsyncMcp.Dapr.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// How a task's messages reach its client from whichever replica runs the task: through the client's session when it
/// lives in this process, else straight to the session's reply address (pub/sub or signed webhook), as the session's
/// own replies go; and the completion webhook the client may have asked for.
/// </summary>
internal sealed class TaskClientRoute(TaskExecutions executions, IServiceProvider services, TimeProvider time, ILogger<TaskClientRoute> logger)
{
    private static readonly TimeSpan[] WebhookRetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    private readonly ReplyRoutes? _routes = services.GetService<ReplyRoutes>();
    private readonly DaprPubSubServerOptions? _server = services.GetService<IOptions<DaprPubSubServerOptions>>()?.Value;
    private readonly McpEnvelopeCodec? _codec = services.GetService<McpEnvelopeCodec>();

    private string? AppId => _server?.AppId;

    /// <summary>
    /// The completion webhook a task-creating request asks for (<see cref="McpTaskWebhooks.MetaKey"/>), checked against
    /// the server's reply bindings; <see langword="null"/> when none is asked for.
    /// </summary>
    /// <exception cref="McpProtocolException">The address is malformed, not a binding, or not allowed here (-32602).</exception>
    public async Task<string?> CompletionWebhookOf(JsonNode? parameters, CancellationToken cancellationToken)
    {
        if ((parameters as JsonObject)?["_meta"] is not JsonObject meta || meta[McpTaskWebhooks.MetaKey] is not { } value)
        {
            return null;
        }

        if (value is not JsonValue text || !text.TryGetValue<string>(out var written) ||
            !ReplyAddress.TryParse(written, out var address) || !address.IsBinding)
        {
            throw new McpProtocolException(
                $"Invalid _meta[\"{McpTaskWebhooks.MetaKey}\"]: it must be a webhook address such as \"binding://client-webhook/mcp/webhooks/tasks\".",
                McpErrorCode.InvalidParams);
        }

        if (_routes is null || AppId is null)
        {
            throw new McpProtocolException("This server sends no webhooks: it does not serve MCP over Dapr pub/sub.", McpErrorCode.InvalidParams);
        }

        if (await _routes.RefusalAsync(address, cancellationToken) is { } refusal)
        {
            throw new McpProtocolException($"The completion webhook cannot be used: {refusal}", McpErrorCode.InvalidParams);
        }

        return address.ToString();
    }

    /// <summary>Sends a notification to the task's client; best effort, as notifications are.</summary>
    public async Task<bool> NotifyAsync(TaskInput input, JsonRpcNotification notification, CancellationToken cancellationToken)
    {
        try
        {
            if (executions.ClientOf(input.TaskId) is { } session)
            {
                await session.SendMessageAsync(notification, cancellationToken);
                return true;
            }

            if (_routes is null || AppId is null || input.SessionId is null || !ReplyAddress.TryParse(input.ReplyTo, out var address))
            {
                return false;
            }

            // The session lives on another replica (or its owner restarted): its client still reads the same reply address.
            await _routes.SendOnceAsync(address, McpEnvelope.Create(AppId, input.SessionId, input.Connection, notification), cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.ForwardFailed(logger, ex.Message);
            return false;
        }
    }

    /// <summary>Sends a notification to a <c>subscriptions/listen</c> stream, at its reply address; best effort.</summary>
    public async Task<bool> NotifyListenerAsync(TaskListener listener, JsonRpcNotification notification, CancellationToken cancellationToken)
    {
        if (_routes is null || AppId is null || !ReplyAddress.TryParse(listener.ReplyTo, out var address))
        {
            return false;
        }

        try
        {
            await _routes.SendOnceAsync(address, McpEnvelope.Create(AppId, listener.SessionId, listener.Connection, notification), cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.ForwardFailed(logger, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// The reply address of the task's client session when this server replies over Dapr (pub/sub or webhook), so that
    /// a message reaches the client from any replica; <see langword="null"/> otherwise (Streamable HTTP).
    /// </summary>
    public ReplyAddress? ReplyAddressOf(TaskInput input) =>
        _routes is not null && AppId is not null && ReplyAddress.TryParse(input.ReplyTo, out var address) ? address : null;

    /// <summary>Sends a message to the task's client at its reply address; throws when it cannot be delivered.</summary>
    public Task SendAsync(TaskInput input, ReplyAddress address, JsonRpcMessage message, CancellationToken cancellationToken) =>
        _routes!.SendOnceAsync(address, McpEnvelope.Create(AppId!, input.SessionId, input.Connection, message), cancellationToken);

    /// <summary>
    /// Announces the task's end by signed webhook, when its client asked for one: a few attempts, then given up (the
    /// client can still poll). Returns whether the receiver acknowledged it.
    /// </summary>
    public async Task<bool> SendCompletionWebhookAsync(TaskView view, CancellationToken cancellationToken)
    {
        if (!ReplyAddress.TryParse(view.Input.CompletionWebhook, out var address) || _routes is null || AppId is null)
        {
            return false;
        }

        // One event id for every attempt: the receiver drops a repeat of a delivery it already took.
        var envelope = McpEnvelope.Create(AppId!, sessionId: null, connection: null, view.ToCompletionNotification());
        if (_codec is not null && _server is not null && _codec.Encode(envelope).Length > _server.MaxMessageBytes)
        {
            // The result cannot travel in one event: announce the end without it, and say so; tasks/get still has it.
            var withoutResult = view with
            {
                Result = null,
                Error = null,
                StatusMessage = $"{view.StatusMessage} The result is larger than the wire limit of {_server.MaxMessageBytes} bytes and is not in this webhook.".TrimStart(),
            };
            envelope = McpEnvelope.Create(AppId!, sessionId: null, connection: null, withoutResult.ToCompletionNotification());
        }

        var target = view.Input.CompletionWebhook!;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _routes.SendOnceAsync(address, envelope, cancellationToken);
                Log.CompletionWebhookSent(logger, view.TaskId, target);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var permanent = ex is ReplyDeliveryException { IsPermanent: true };
                if (permanent || attempt >= WebhookRetryDelays.Length)
                {
                    Log.CompletionWebhookFailed(logger, view.TaskId, target, attempt + 1, ex.Message);
                    return false;
                }

                await Task.Delay(WebhookRetryDelays[attempt], time, cancellationToken);
            }
        }
    }
}
