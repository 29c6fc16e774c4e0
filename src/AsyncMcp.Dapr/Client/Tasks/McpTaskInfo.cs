using System.Text.Json.Nodes;

namespace AsyncMcp.Dapr.Client.Tasks;

/// <summary>An MCP task as the server last described it, in either protocol generation.</summary>
public sealed record McpTaskInfo
{
    /// <summary>The task id the server issued.</summary>
    public required string TaskId { get; init; }

    /// <summary>working, input_required, completed, failed or cancelled.</summary>
    public required string Status { get; init; }

    /// <summary>What the task is doing, waiting for, or why it ended.</summary>
    public string? StatusMessage { get; init; }

    /// <summary>When the task was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When its status last changed.</summary>
    public DateTimeOffset? LastUpdatedAt { get; init; }

    /// <summary>How long the server keeps the task after its creation; <see langword="null"/> for unlimited.</summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>How often the server suggests polling.</summary>
    public TimeSpan? PollInterval { get; init; }

    /// <summary>The tool's result, inline in 2026-07-28 <c>tasks/get</c> answers of completed tasks.</summary>
    public JsonObject? Result { get; init; }

    /// <summary>The JSON-RPC error a 2026-07-28 task failed with.</summary>
    public JsonObject? Error { get; init; }

    /// <summary>
    /// The requests the server waits for the client to answer (a 2026-07-28 task in <c>input_required</c>), by key:
    /// each an <c>elicitation/create</c>, <c>sampling/createMessage</c> or <c>roots/list</c> with its params. Answer
    /// them with <see cref="McpClientTaskExtensions.UpdateTaskAsync"/>.
    /// </summary>
    public JsonObject? InputRequests { get; init; }

    /// <summary>Whether the task has ended (completed, failed or cancelled).</summary>
    public bool IsTerminal => Status is "completed" or "failed" or "cancelled";

    /// <summary>Reads a task object of either generation (<c>ttl</c>/<c>ttlMs</c>, <c>pollInterval</c>/<c>pollIntervalMs</c>).</summary>
    /// <param name="task">The task object.</param>
    /// <returns>The task.</returns>
    /// <exception cref="FormatException">The object has no <c>taskId</c> or <c>status</c>.</exception>
    public static McpTaskInfo Parse(JsonObject task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new McpTaskInfo
        {
            TaskId = Text(task, "taskId") ?? throw new FormatException("The task has no taskId."),
            Status = Text(task, "status") ?? throw new FormatException("The task has no status."),
            StatusMessage = Text(task, "statusMessage"),
            CreatedAt = Time(task, "createdAt"),
            LastUpdatedAt = Time(task, "lastUpdatedAt"),
            TimeToLive = Milliseconds(task, "ttlMs") ?? Milliseconds(task, "ttl"),
            PollInterval = Milliseconds(task, "pollIntervalMs") ?? Milliseconds(task, "pollInterval"),
            Result = task["result"] as JsonObject,
            Error = task["error"] as JsonObject,
            InputRequests = task["inputRequests"] as JsonObject,
        };
    }

    private static string? Text(JsonObject task, string name) =>
        task[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static DateTimeOffset? Time(JsonObject task, string name) =>
        Text(task, name) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static TimeSpan? Milliseconds(JsonObject task, string name) =>
        task[name] is JsonValue value && value.TryGetValue<double>(out var ms) ? TimeSpan.FromMilliseconds(ms) : null;
}
