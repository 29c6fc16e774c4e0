using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Client.Tasks;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>
/// SEP-2663 input during a task: a tool that elicits parks its 2026-07-28 task in input_required with the request in
/// <c>inputRequests</c>, and resumes when <c>tasks/update</c> brings the answer, whichever replica receives it.
/// </summary>
public sealed class TaskInputTests
{
    private static CancellationToken Ct => TestDeadline.Current;

    [Fact]
    public async Task An_elicitation_during_a_2026_task_is_answered_by_tasks_update_and_the_task_completes()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync(new Dictionary<string, string?> { ["Mcp:Tasks:Tools:confirm_action"] = "Optional" });
        await harness.StartServerAsync();
        await using var client = await harness.ConnectAsync("2026-07-28", new McpClientHandlers
        {
            // Declared so that the tool may elicit; the answer goes through tasks/update, never through this handler.
            ElicitationHandler = (_, _) => throw new InvalidOperationException("a task's elicitation must come through inputRequests"),
        });

        var task = await client.CallToolAsTaskAsync("confirm_action", new Dictionary<string, object?> { ["action"] = "deploy" }, cancellationToken: Ct);
        var waiting = await PollAsync(client, task.TaskId, t => t.Status == "input_required");
        var pending = Assert.Single(waiting.InputRequests!);
        var (key, request) = (pending.Key, pending.Value);
        Assert.Equal("elicitation/create", request!["method"]!.GetValue<string>());
        Assert.Contains("deploy", request["params"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // An answer to a key that was never asked is ignored; the task stays in input_required.
        await client.UpdateTaskAsync(task.TaskId, new JsonObject { ["no-such-request"] = new JsonObject { ["action"] = "accept" } }, Ct);
        Assert.Equal("input_required", (await client.GetTaskAsync(task.TaskId, Ct)).Status);

        await client.UpdateTaskAsync(task.TaskId, new JsonObject
        {
            [key] = new JsonObject { ["action"] = "accept", ["content"] = new JsonObject { ["confirm"] = true } },
        }, Ct);
        var done = await client.WaitForTaskAsync(task.TaskId, Ct);
        Assert.Equal("completed", done.Status);
        Assert.Equal("confirmed: deploy", done.Result!["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tasks_update_without_input_responses_is_invalid_params_and_without_the_extension_is_missing_capability()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync();
        await using var client = await harness.ConnectAsync("2026-07-28");
        var task = await client.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 1 }, cancellationToken: Ct);

        var noAnswers = await Assert.ThrowsAsync<McpProtocolException>(() => client.SendRequestAsync(
            new JsonRpcRequest { Method = "tasks/update", Params = Declaring(new JsonObject { ["taskId"] = task.TaskId }) }, Ct));
        Assert.Equal(McpErrorCode.InvalidParams, noAnswers.ErrorCode);

        var undeclared = await Assert.ThrowsAsync<McpProtocolException>(() => client.SendRequestAsync(
            new JsonRpcRequest { Method = "tasks/update", Params = new JsonObject { ["taskId"] = task.TaskId, ["inputResponses"] = new JsonObject() } }, Ct));
        Assert.Equal(-32021, (int)undeclared.ErrorCode);
    }

    private static JsonObject Declaring(JsonObject parameters) => TaskServerHarness.Declaring(parameters);

    /// <summary>Polls the task until <paramref name="condition"/> holds; fails when the task ends first.</summary>
    internal static async Task<McpTaskInfo> PollAsync(McpClient client, string taskId, Func<McpTaskInfo, bool> condition)
    {
        while (true)
        {
            var task = await client.GetTaskAsync(taskId, Ct);
            if (condition(task))
            {
                return task;
            }

            Assert.False(task.IsTerminal, $"the task ended {task.Status} ({task.StatusMessage}) before the condition held");
            await Task.Delay(50, Ct);
        }
    }
}
