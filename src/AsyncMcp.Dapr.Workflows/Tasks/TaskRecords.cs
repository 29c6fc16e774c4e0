using System.Text.Json;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>
/// The workflow input of a task: everything needed to run the tool again on any replica, and to answer for the task.
/// </summary>
/// <param name="TaskId">The task id.</param>
/// <param name="Owner">Who may see the task (see <see cref="TaskOwner"/>).</param>
/// <param name="Generation">The protocol generation the task was created in.</param>
/// <param name="ProtocolVersion">The protocol version of the creating request.</param>
/// <param name="Params">The <c>tools/call</c> params without <c>task</c>: name, arguments and <c>_meta</c> (progress token).</param>
/// <param name="ClientCapabilities">The capabilities of a 2025-11-25 session, so that the tool can elicit and sample.</param>
/// <param name="ClientInfo">The client's implementation info of a 2025-11-25 session.</param>
/// <param name="Idempotent">Whether the tool may run again after its replica stopped mid-run.</param>
/// <param name="CreatedAt">When the task was created.</param>
/// <param name="TtlMs">How long the task is kept after <paramref name="CreatedAt"/>.</param>
/// <param name="PollIntervalMs">The polling interval suggested to the client.</param>
/// <param name="ReplyTo">The reply address of the creating request's session, so that any replica can notify its client.</param>
/// <param name="SessionId">The session of the creating request, if any.</param>
/// <param name="Connection">The client connection of the creating request.</param>
/// <param name="CompletionWebhook">Where to announce the task's end by signed webhook, if the client asked.</param>
internal sealed record TaskInput(
    string TaskId,
    string Owner,
    TaskGeneration Generation,
    string? ProtocolVersion,
    JsonElement Params,
    JsonElement? ClientCapabilities,
    JsonElement? ClientInfo,
    bool Idempotent,
    DateTimeOffset CreatedAt,
    long TtlMs,
    long PollIntervalMs,
    string? ReplyTo = null,
    string? SessionId = null,
    string? Connection = null,
    string? CompletionWebhook = null)
{
    public string ToolName => Params.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "";

    public DateTimeOffset ExpiresAt => CreatedAt.AddMilliseconds(TtlMs);
}

/// <summary>The status a running task shows (the workflow's custom status).</summary>
/// <param name="Status">working or input_required.</param>
/// <param name="StatusMessage">What the task is doing or waiting for.</param>
/// <param name="LastUpdatedAt">When the status last changed.</param>
/// <param name="InputRequests">The outstanding requests to the client of a 2026-07-28 task in input_required, by key.</param>
/// <param name="InputResponses">The client's answers to them so far (<c>tasks/update</c>), by key.</param>
internal sealed record TaskProgress(
    string Status, string? StatusMessage, DateTimeOffset LastUpdatedAt, JsonElement? InputRequests = null, JsonElement? InputResponses = null);

/// <summary>An event from the running tool to its workflow.</summary>
/// <param name="Status">The new status.</param>
/// <param name="StatusMessage">What the task is doing or waiting for.</param>
/// <param name="InputRequests">With input_required in 2026-07-28: the requests the client must answer, by key.</param>
internal sealed record TaskStatusEvent(string Status, string? StatusMessage, JsonElement? InputRequests = null);

/// <summary>How a task ended (the workflow output).</summary>
/// <param name="Status">completed, failed or cancelled.</param>
/// <param name="StatusMessage">Why, in words.</param>
/// <param name="Result">The <c>CallToolResult</c>, when the tool returned one.</param>
/// <param name="Error">The JSON-RPC error the call ended with, when it did.</param>
/// <param name="EndedAt">When the task ended.</param>
internal sealed record TaskOutcome(string Status, string? StatusMessage, JsonElement? Result, JsonElement? Error, DateTimeOffset EndedAt);

/// <summary>What a notification about a task carries.</summary>
/// <param name="Input">The task.</param>
/// <param name="Status">Its status now.</param>
/// <param name="StatusMessage">Its status message now.</param>
/// <param name="At">When the status changed.</param>
/// <param name="Result">The tool's result, when the task ended with one.</param>
/// <param name="Error">The JSON-RPC error, when the task ended with one.</param>
/// <param name="InputRequests">The outstanding requests of a 2026-07-28 task in input_required, by key.</param>
internal sealed record TaskNotice(
    TaskInput Input, string Status, string? StatusMessage, DateTimeOffset At, JsonElement? Result = null, JsonElement? Error = null, JsonElement? InputRequests = null);
