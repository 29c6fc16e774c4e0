using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Workflows.Tasks;
using Dapr.Workflow;
using ModelContextProtocol;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>
/// The 2025-11-25 task protocol (basic/utilities/tasks.mdx of the MCP specification) as the server speaks it, over a
/// workflow client whose instances the tests set.
/// </summary>
public sealed class ExperimentalTaskProtocolTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Initialize_declares_the_tasks_capability_and_tools_list_shows_taskSupport()
    {
        await using var harness = await TaskServerHarness.StartAsync();
        var tools = await harness.SendAsync("tools/list", new JsonObject());
        string? Support(string name) => tools["tools"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == name)!["execution"]?["taskSupport"]?.GetValue<string>();

        Assert.Equal("optional", Support("optional_job"));
        Assert.Equal("required", Support("required_job"));
        Assert.Null(Support("plain"));
        var capabilities = harness.Client.ServerCapabilities;
        Assert.NotNull(capabilities);

        // The typed capabilities have no field for tasks: read what came over the wire.
        var raw = System.Text.Json.JsonSerializer.SerializeToNode(capabilities, McpJsonUtilities.DefaultOptions)!;
        Assert.True(raw["extensions"]?.AsObject().ContainsKey("io.modelcontextprotocol/tasks"));
    }

    [Fact]
    public async Task A_task_augmented_call_returns_CreateTaskResult_after_scheduling_the_workflow()
    {
        await using var harness = await TaskServerHarness.StartAsync(configure: o => o.PollInterval = TimeSpan.FromMilliseconds(250));
        var result = await harness.SendAsync("tools/call", new JsonObject
        {
            ["name"] = "optional_job",
            ["arguments"] = new JsonObject { ["steps"] = 3 },
            ["task"] = new JsonObject { ["ttl"] = 60000 },
        });

        var task = result["task"]!.AsObject();
        var taskId = task["taskId"]!.GetValue<string>();
        Assert.Equal("working", task["status"]!.GetValue<string>());
        Assert.Equal(60000, task["ttl"]!.GetValue<long>());
        Assert.Equal(250, task["pollInterval"]!.GetValue<long>());
        Assert.True(DateTimeOffset.TryParse(task["createdAt"]!.GetValue<string>(), out _));
        var instanceId = Assert.Single(harness.Workflows.Scheduled);
        Assert.Equal("mcptask-" + taskId, instanceId);
        var input = harness.Workflows.InputOf<TaskInput>(instanceId);
        Assert.Equal("optional_job", input.ToolName);
        Assert.False(input.Params.TryGetProperty("task", out _), "the tool's params must not carry params.task");
        Assert.Equal(3, input.Params.GetProperty("arguments").GetProperty("steps").GetInt32());

        // Durable before the answer: tasks/get finds it at once.
        var got = await harness.SendAsync("tasks/get", new JsonObject { ["taskId"] = taskId });
        Assert.Equal("working", got["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_forbidden_tool_called_as_a_task_and_a_required_tool_called_plainly_get_method_not_found()
    {
        await using var harness = await TaskServerHarness.StartAsync();
        var forbidden = await Assert.ThrowsAsync<McpProtocolException>(() => harness.SendAsync("tools/call", new JsonObject { ["name"] = "plain", ["task"] = new JsonObject() }));
        Assert.Equal(McpErrorCode.MethodNotFound, forbidden.ErrorCode);
        Assert.Contains("forbidden", forbidden.Message);
        var required = await Assert.ThrowsAsync<McpProtocolException>(() => harness.SendAsync("tools/call", new JsonObject { ["name"] = "required_job" }));
        Assert.Equal(McpErrorCode.MethodNotFound, required.ErrorCode);
        Assert.Contains("required", required.Message);
        Assert.Empty(harness.Workflows.Scheduled);
    }

    [Theory]
    [InlineData("\"soon\"", "must be an object")]
    [InlineData("{\"ttl\": -5}", "negative")]
    [InlineData("{\"ttl\": \"long\"}", "number of milliseconds")]
    public async Task A_malformed_params_task_is_invalid_params(string task, string expected)
    {
        await using var harness = await TaskServerHarness.StartAsync();
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => harness.SendAsync("tools/call", new JsonObject { ["name"] = "optional_job", ["task"] = JsonNode.Parse(task) }));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
        Assert.Contains(expected, error.Message);
        Assert.Empty(harness.Workflows.Scheduled);
    }

    [Fact]
    public async Task A_huge_ttl_is_shortened_to_the_server_maximum_and_a_missing_one_gets_the_default()
    {
        await using var harness = await TaskServerHarness.StartAsync(configure: o =>
        {
            o.MaxTimeToLive = TimeSpan.FromMinutes(10);
            o.DefaultTimeToLive = TimeSpan.FromMinutes(2);
        });
        var huge = await harness.SendAsync("tools/call", new JsonObject { ["name"] = "optional_job", ["task"] = new JsonObject { ["ttl"] = 1e15 } });
        var none = await harness.SendAsync("tools/call", new JsonObject { ["name"] = "optional_job", ["task"] = new JsonObject() });
        Assert.Equal(600_000, huge["task"]!["ttl"]!.GetValue<long>());
        Assert.Equal(120_000, none["task"]!["ttl"]!.GetValue<long>());
    }

    [Fact]
    public async Task Tasks_get_reads_the_status_from_the_workflow()
    {
        await using var harness = await TaskServerHarness.StartAsync();
        var taskId = await CreateAsync(harness);
        var instance = "mcptask-" + taskId;

        harness.Workflows.Set(instance, WorkflowRuntimeStatus.Running, new TaskProgress("input_required", "Waiting for the client", DateTimeOffset.UtcNow));
        Assert.Equal("input_required", (await Get(harness, taskId))["status"]!.GetValue<string>());

        harness.Workflows.Set(instance, WorkflowRuntimeStatus.Completed, output: new TaskOutcome("failed", "the input was wrong", null, null, DateTimeOffset.UtcNow));
        var failed = await Get(harness, taskId);
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Equal("the input was wrong", failed["statusMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_terminated_workflow_is_a_cancelled_task_and_a_failed_one_a_failed_task()
    {
        await using var harness = await TaskServerHarness.StartAsync();
        var cancelled = await CreateAsync(harness);
        harness.Workflows.Set("mcptask-" + cancelled, WorkflowRuntimeStatus.Terminated);
        Assert.Equal("cancelled", (await Get(harness, cancelled))["status"]!.GetValue<string>());

        var broken = await CreateAsync(harness, "b");
        harness.Workflows.Set("mcptask-" + broken, WorkflowRuntimeStatus.Failed, failure: "activity crashed");
        var failed = await Get(harness, broken);
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Contains("activity crashed", failed["statusMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tasks_result_waits_for_the_end_and_returns_the_tool_result_tied_to_the_task()
    {
        await using var harness = await TaskServerHarness.StartAsync();
        var taskId = await CreateAsync(harness);
        var pending = harness.SendAsync("tasks/result", new JsonObject { ["taskId"] = taskId });
        await Task.Delay(100, Ct);
        Assert.False(pending.IsCompleted, "tasks/result must block while the task works");

        var toolResult = TaskJson.ToElement(new JsonObject { ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "42" }) });
        harness.Workflows.Set("mcptask-" + taskId, WorkflowRuntimeStatus.Completed, output: new TaskOutcome("completed", null, toolResult, null, DateTimeOffset.UtcNow));
        var result = await pending;
        Assert.Equal("42", result["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(taskId, result["_meta"]!["io.modelcontextprotocol/related-task"]!["taskId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tasks_result_of_a_task_that_failed_with_a_json_rpc_error_returns_that_error()
    {
        await using var harness = await TaskServerHarness.StartAsync();
        var taskId = await CreateAsync(harness);
        harness.Workflows.Set("mcptask-" + taskId, WorkflowRuntimeStatus.Completed, output: new TaskOutcome("failed", "no such record", null, TaskJson.ErrorElement(-32602, "no such record"), DateTimeOffset.UtcNow));
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => harness.SendAsync("tasks/result", new JsonObject { ["taskId"] = taskId }));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
        Assert.Contains("no such record", error.Message);
    }

    [Fact]
    public async Task Unknown_malformed_and_missing_task_ids_are_invalid_params()
    {
        await using var harness = await TaskServerHarness.StartAsync();
        foreach (var method in new[] { "tasks/get", "tasks/result", "tasks/cancel" })
        {
            var unknown = await Assert.ThrowsAsync<McpProtocolException>(() => harness.SendAsync(method, new JsonObject { ["taskId"] = new string('a', 32) }));
            Assert.Equal(McpErrorCode.InvalidParams, unknown.ErrorCode);
            Assert.Contains("not found", unknown.Message);
            var junk = await Assert.ThrowsAsync<McpProtocolException>(() => harness.SendAsync(method, new JsonObject { ["taskId"] = "../../etc" }));
            Assert.Equal(McpErrorCode.InvalidParams, junk.ErrorCode);
            var missing = await Assert.ThrowsAsync<McpProtocolException>(() => harness.SendAsync(method, new JsonObject()));
            Assert.Equal(McpErrorCode.InvalidParams, missing.ErrorCode);
        }
    }

    [Fact]
    public async Task A_task_of_another_owner_is_refused()
    {
        await using var harness = await TaskServerHarness.StartAsync();
        var input = new TaskInput(new string('b', 32), "app:someone-else", TaskGeneration.Experimental, "2025-11-25", TaskJson.ToElement(new JsonObject { ["name"] = "optional_job" }), null, null, false, DateTimeOffset.UtcNow, 60_000, 1000);
        await harness.Workflows.ScheduleNewWorkflowAsync(McpToolTaskWorkflow.Name, "mcptask-" + input.TaskId, input);
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => harness.SendAsync("tasks/get", new JsonObject { ["taskId"] = input.TaskId }));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
        Assert.Contains("belongs to another app", error.Message);
        var list = await harness.SendAsync("tasks/list", new JsonObject());
        Assert.Empty(list["tasks"]!.AsArray());
    }

    [Fact]
    public async Task An_expired_task_is_purged_when_touched_and_reported_expired()
    {
        await using var harness = await TaskServerHarness.StartAsync();
        var result = await harness.SendAsync("tools/call", new JsonObject { ["name"] = "optional_job", ["task"] = new JsonObject { ["ttl"] = 0 } });
        var taskId = result["task"]!["taskId"]!.GetValue<string>();
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => Get(harness, taskId));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
        Assert.Contains("expired", error.Message);
        Assert.Contains("mcptask-" + taskId, harness.Workflows.Terminated);
        Assert.Contains("mcptask-" + taskId, harness.Workflows.Purged);
        var again = await Assert.ThrowsAsync<McpProtocolException>(() => Get(harness, taskId));
        Assert.Contains("not found", again.Message);
    }

    [Fact]
    public async Task Cancelling_a_running_task_raises_the_cancel_event_and_answers_cancelled()
    {
        await using var harness = await TaskServerHarness.StartAsync(configure: o => o.CancelGracePeriod = TimeSpan.FromMilliseconds(200));
        var taskId = await CreateAsync(harness);
        var cancelled = await harness.SendAsync("tasks/cancel", new JsonObject { ["taskId"] = taskId });

        // The fake engine never reacts to the event: the server terminates the workflow after the grace period.
        Assert.Contains(harness.Workflows.Events, e => e.InstanceId == "mcptask-" + taskId && e.Name == McpToolTaskWorkflow.CancelEvent);
        Assert.Equal("cancelled", cancelled["status"]!.GetValue<string>());
        Assert.Contains("mcptask-" + taskId, harness.Workflows.Terminated);
    }

    [Fact]
    public async Task Cancelling_a_finished_task_is_invalid_params()
    {
        await using var harness = await TaskServerHarness.StartAsync();
        var taskId = await CreateAsync(harness);
        harness.Workflows.Set("mcptask-" + taskId, WorkflowRuntimeStatus.Completed, output: new TaskOutcome("completed", null, null, null, DateTimeOffset.UtcNow));
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => harness.SendAsync("tasks/cancel", new JsonObject { ["taskId"] = taskId }));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
        Assert.Contains("already completed", error.Message);
    }

    [Fact]
    public async Task Tasks_list_pages_through_the_callers_tasks_and_refuses_a_forged_cursor()
    {
        await using var harness = await TaskServerHarness.StartAsync(configure: o => o.ListPageSize = 2);
        var created = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await CreateAsync(harness, i.ToString()));
        }

        var seen = new HashSet<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var parameters = new JsonObject();
            if (cursor is not null)
            {
                parameters["cursor"] = cursor;
            }

            var page = await harness.SendAsync("tasks/list", parameters);
            foreach (var task in page["tasks"]!.AsArray())
            {
                seen.Add(task!["taskId"]!.GetValue<string>());
            }

            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(created, seen);
        Assert.Equal(3, pages);
        var forged = await Assert.ThrowsAsync<McpProtocolException>(() => harness.SendAsync("tasks/list", new JsonObject { ["cursor"] = "bm90IG91cnM=" }));
        Assert.Equal(McpErrorCode.InvalidParams, forged.ErrorCode);
    }

    [Fact]
    public async Task Extension_only_methods_are_not_found_for_a_2025_session()
    {
        await using var harness = await TaskServerHarness.StartAsync();
        var taskId = await CreateAsync(harness);
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => harness.SendAsync("tasks/update", new JsonObject { ["taskId"] = taskId, ["inputResponses"] = new JsonObject() }));
        Assert.Equal(McpErrorCode.MethodNotFound, error.ErrorCode);
    }

    [Fact]
    public void Task_ids_are_the_same_for_a_redelivered_request_and_differ_per_owner_and_key()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new DaprTasksOptions { TaskIdKey = Convert.ToBase64String(new byte[32]) });
        var ids = new TaskIds(options);
        var again = new TaskIds(options);
        Assert.Equal(ids.Create("app:a", "event-1"), again.Create("app:a", "event-1"));
        Assert.NotEqual(ids.Create("app:a", "event-1"), ids.Create("app:b", "event-1"));
        Assert.NotEqual(ids.Create("app:a", "event-1"), ids.Create("app:a", "event-2"));
        Assert.NotEqual(ids.Create("app:a", "event-1"), new TaskIds(Microsoft.Extensions.Options.Options.Create(new DaprTasksOptions())).Create("app:a", "event-1"));
        Assert.NotEqual(ids.Create("app:a", null), ids.Create("app:a", null));
        Assert.True(TaskIds.IsWellFormed(ids.Create("app:a", "event-1")));
    }

    [Fact]
    public async Task Creating_a_task_whose_workflow_exists_returns_that_task_without_scheduling_again()
    {
        await using var harness = await TaskServerHarness.StartAsync();
        var store = harness.Get<WorkflowTaskStore>();
        var input = new TaskInput(new string('c', 32), "app:a", TaskGeneration.Experimental, "2025-11-25", TaskJson.ToElement(new JsonObject { ["name"] = "optional_job" }), null, null, false, DateTimeOffset.UtcNow, 60_000, 1000);
        var first = await store.CreateAsync(input, Ct);
        var second = await store.CreateAsync(input with { CreatedAt = DateTimeOffset.UtcNow.AddSeconds(5) }, Ct);
        Assert.Single(harness.Workflows.Scheduled);
        Assert.Equal(first.TaskId, second.TaskId);
        Assert.Equal(first.Input.CreatedAt, second.Input.CreatedAt);
    }

    private static async Task<string> CreateAsync(TaskServerHarness harness, string text = "x")
    {
        var result = await harness.SendAsync("tools/call", new JsonObject { ["name"] = "required_job", ["arguments"] = new JsonObject { ["text"] = text }, ["task"] = new JsonObject() });
        return result["task"]!["taskId"]!.GetValue<string>();
    }

    private static Task<JsonObject> Get(TaskServerHarness harness, string taskId) =>
        harness.SendAsync("tasks/get", new JsonObject { ["taskId"] = taskId });
}
