using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>A task as a client sees it at one moment, read from its workflow.</summary>
internal sealed record TaskView(
    TaskInput Input,
    string Status,
    string? StatusMessage,
    DateTimeOffset LastUpdatedAt,
    JsonElement? Result,
    JsonElement? Error,
    JsonElement? InputRequests = null)
{
    public string TaskId => Input.TaskId;

    public bool IsTerminal => McpTaskStatus.IsTerminal(Status);

    /// <summary>The task object of 2025-11-25 (<c>Task</c>: <c>ttl</c>, <c>pollInterval</c>).</summary>
    public JsonObject ToExperimental()
    {
        var task = Common();
        task["ttl"] = Input.TtlMs;
        task["pollInterval"] = Input.PollIntervalMs;
        return task;
    }

    /// <summary>The task object of SEP-2663 (<c>DetailedTask</c>: <c>ttlMs</c>, <c>pollIntervalMs</c>, and the result or error inline).</summary>
    public JsonObject ToExtension(bool detailed)
    {
        var task = Common();
        task["ttlMs"] = Input.TtlMs;
        task["pollIntervalMs"] = Input.PollIntervalMs;
        if (detailed)
        {
            if (Status == McpTaskStatus.InputRequired && InputRequests is { } requests)
            {
                task["inputRequests"] = JsonNode.Parse(requests.GetRawText());
            }

            if (Status == McpTaskStatus.Completed && Result is { } result)
            {
                task["result"] = JsonNode.Parse(result.GetRawText());
            }
            else if (Status == McpTaskStatus.Failed)
            {
                task["error"] = Error is { } error
                    ? JsonNode.Parse(error.GetRawText())
                    : TaskProtocol.Error(-32603, StatusMessage ?? "The task failed.");
            }
        }

        return task;
    }

    /// <summary>
    /// The notification a completion webhook carries: the generation's status notification, with the result or error
    /// inline (as SEP-2663's detailed task has them), so that the client needs no further request.
    /// </summary>
    public JsonRpcNotification ToCompletionNotification()
    {
        var task = ToExtension(detailed: true);
        if (Input.Generation == TaskGeneration.Experimental)
        {
            task.Remove("ttlMs");
            task.Remove("pollIntervalMs");
            task["ttl"] = Input.TtlMs;
            task["pollInterval"] = Input.PollIntervalMs;
            if (Status == McpTaskStatus.Failed && Result is { } toolError)
            {
                // A 2025-11-25 task with an isError result is failed, and its result is what the tool said.
                task.Remove("error");
                task["result"] = JsonNode.Parse(toolError.GetRawText());
            }
        }

        var method = Input.Generation == TaskGeneration.Experimental ? TaskProtocol.StatusNotification : TaskProtocol.ExtensionNotification;
        return new JsonRpcNotification { Method = method, Params = task };
    }

    /// <summary>
    /// The <c>notifications/tasks</c> of SEP-2663 for one listen stream: the detailed task, as <c>tasks/get</c> would
    /// answer now, tagged with the stream's subscription id.
    /// </summary>
    public JsonRpcNotification ToListenNotification(JsonElement subscriptionId)
    {
        var task = ToExtension(detailed: true);
        task["_meta"] = new JsonObject { [TaskSubscriptions.SubscriptionIdKey] = JsonNode.Parse(subscriptionId.GetRawText()) };
        return new JsonRpcNotification { Method = TaskProtocol.ExtensionNotification, Params = task };
    }

    private JsonObject Common()
    {
        var task = new JsonObject
        {
            ["taskId"] = TaskId,
            ["status"] = Status,
        };
        if (StatusMessage is not null)
        {
            task["statusMessage"] = StatusMessage;
        }

        task["createdAt"] = TaskJson.Timestamp(Input.CreatedAt);
        task["lastUpdatedAt"] = TaskJson.Timestamp(LastUpdatedAt);
        return task;
    }
}
