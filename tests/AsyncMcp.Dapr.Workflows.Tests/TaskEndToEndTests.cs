using System.Collections.Concurrent;
using AsyncMcp.Dapr.Client.Tasks;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>
/// MCP tasks end to end: an MCP client over Dapr pub/sub, the sample server with <c>WithDaprTasks</c>, each task a
/// workflow in the emulator's engine, driven by the real Dapr.Workflow SDK.
/// </summary>
public sealed class TaskEndToEndTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_2025_task_runs_in_a_workflow_reports_progress_and_status_and_returns_its_result()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync();
        var notifications = new ConcurrentQueue<JsonRpcNotification>();
        await using var client = await harness.ConnectAsync("2025-11-25");
        await using var progress = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (n, _) => { notifications.Enqueue(n); return ValueTask.CompletedTask; });
        await using var status = client.RegisterNotificationHandler("notifications/tasks/status", (n, _) => { notifications.Enqueue(n); return ValueTask.CompletedTask; });

        var task = await client.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 3 }, TimeSpan.FromMinutes(5), new ProgressToken("p-1"), cancellationToken: Ct);
        Assert.Equal("working", task.Status);
        Assert.Equal(TimeSpan.FromMinutes(5), task.TimeToLive);

        var result = await client.GetTaskResultAsync(task.TaskId, Ct);
        Assert.Equal("job done after 3 steps", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        var done = await client.GetTaskAsync(task.TaskId, Ct);
        Assert.Equal("completed", done.Status);

        // Progress carried the original token and named the task; the completion was pushed.
        await WaitUntilAsync(() => notifications.Any(n => n.Method == "notifications/tasks/status" && n.Params!["status"]!.GetValue<string>() == "completed"));
        var steps = notifications.Where(n => n.Method == NotificationMethods.ProgressNotification).ToList();
        Assert.Equal(3, steps.Count);
        Assert.All(steps, n =>
        {
            Assert.Equal("p-1", n.Params!["progressToken"]!.GetValue<string>());
            Assert.Equal(task.TaskId, n.Params!["_meta"]!["io.modelcontextprotocol/related-task"]!["taskId"]!.GetValue<string>());
        });
        var (tasks, _) = await client.ListTasksAsync(cancellationToken: Ct);
        Assert.Contains(tasks, t => t.TaskId == task.TaskId && t.Status == "completed");
    }

    [Fact]
    public async Task Cancelling_a_2025_task_stops_the_tool_and_leaves_the_task_cancelled()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync();
        var logged = new ConcurrentQueue<string>();
        await using var client = await harness.ConnectAsync("2025-11-25");
        await using var logs = client.RegisterNotificationHandler(NotificationMethods.LoggingMessageNotification, (n, _) => { logged.Enqueue(n.Params!["data"]!.ToString()); return ValueTask.CompletedTask; });

        var task = await client.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 200 }, cancellationToken: Ct);
        await WaitUntilAsync(() => !logged.IsEmpty);
        var cancelled = await client.CancelTaskAsync(task.TaskId, Ct);
        Assert.Equal("cancelled", cancelled.Status);

        var stepsAtCancel = logged.Count;
        await Task.Delay(500, Ct);
        Assert.True(logged.Count <= stepsAtCancel + 1, $"the tool went on after the cancellation: {stepsAtCancel} steps then {logged.Count}");
        Assert.Equal("cancelled", (await client.GetTaskAsync(task.TaskId, Ct)).Status);
        var again = await Assert.ThrowsAsync<McpProtocolException>(() => client.CancelTaskAsync(task.TaskId, Ct));
        Assert.Equal(McpErrorCode.InvalidParams, again.ErrorCode);
        var noResult = await Assert.ThrowsAsync<McpProtocolException>(() => client.GetTaskResultAsync(task.TaskId, Ct));
        Assert.Contains("cancelled", noResult.Message);
    }

    [Fact]
    public async Task A_2026_sessionless_call_declaring_the_extension_becomes_a_task_with_its_result_inline()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync();
        await using var client = await harness.ConnectAsync();
        Assert.Equal("2026-07-28", client.NegotiatedProtocolVersion);

        var task = await client.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 2 }, cancellationToken: Ct);
        Assert.False(string.IsNullOrEmpty(task.TaskId), "the server must answer with a task");
        var done = await client.WaitForTaskAsync(task.TaskId, Ct);
        Assert.Equal("completed", done.Status);
        Assert.Equal("job done after 2 steps", done.Result!["content"]![0]!["text"]!.GetValue<string>());

        // Without the extension declared, the same tool runs as a plain call.
        var plain = await client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 1 }, cancellationToken: Ct);
        Assert.Equal("job done after 1 steps", Assert.IsType<TextContentBlock>(Assert.Single(plain.Content)).Text);
    }

    [Fact]
    public async Task Cancelling_a_2026_task_is_acknowledged_and_the_task_ends_cancelled()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync();
        await using var client = await harness.ConnectAsync();
        var task = await client.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 200 }, cancellationToken: Ct);
        _ = await client.CancelTaskAsync(task.TaskId, Ct);
        var done = await client.WaitForTaskAsync(task.TaskId, Ct);
        Assert.Equal("cancelled", done.Status);
    }

    [Fact]
    public async Task A_task_is_seen_from_any_session_of_the_app_that_created_it_and_refused_to_another_app()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync();
        var intruderApp = await harness.StartClientAsync("intruder");
        await using var owner = await harness.ConnectAsync("2025-11-25");
        await using var sameApp = await harness.ConnectAsync("2025-11-25");
        await using var intruder = await harness.ConnectAsync("2025-11-25", from: intruderApp);

        var task = await owner.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 1 }, cancellationToken: Ct);
        Assert.Equal(task.TaskId, (await sameApp.GetTaskAsync(task.TaskId, Ct)).TaskId);
        var refused = await Assert.ThrowsAsync<McpProtocolException>(() => intruder.GetTaskAsync(task.TaskId, Ct));
        Assert.Equal(McpErrorCode.InvalidParams, refused.ErrorCode);
        Assert.Contains("belongs to another app", refused.Message);
        await Assert.ThrowsAsync<McpProtocolException>(() => intruder.CancelTaskAsync(task.TaskId, Ct));
        var (listed, _) = await intruder.ListTasksAsync(cancellationToken: Ct);
        Assert.DoesNotContain(listed, t => t.TaskId == task.TaskId);
        Assert.Equal("completed", (await owner.WaitForTaskAsync(task.TaskId, Ct)).Status);
    }

    [Fact]
    public async Task An_elicitation_during_a_2025_task_reaches_the_client_tied_to_the_task_which_shows_input_required_meanwhile()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync(new Dictionary<string, string?> { ["Mcp:Tasks:Tools:confirm_action"] = "Optional" });
        McpClient? client = null;
        string? relatedTask = null;
        string? statusMeanwhile = null;
        var handlers = new McpClientHandlers
        {
            ElicitationHandler = async (request, token) =>
            {
                relatedTask = request?.Meta?["io.modelcontextprotocol/related-task"]?["taskId"]?.GetValue<string>();
                // The workflow records the status from an event, a moment after the request went out.
                for (var poll = 0; poll < 100 && statusMeanwhile != "input_required"; poll++)
                {
                    statusMeanwhile = (await client!.GetTaskAsync(relatedTask!, token)).Status;
                    await Task.Delay(50, token);
                }

                return new ElicitResult { Action = "accept", Content = new Dictionary<string, System.Text.Json.JsonElement> { ["confirm"] = System.Text.Json.JsonSerializer.SerializeToElement(true) } };
            },
        };
        client = await harness.ConnectAsync("2025-11-25", handlers);
        await using var owned = client;

        var task = await client.CallToolAsTaskAsync("confirm_action", new Dictionary<string, object?> { ["action"] = "deploy" }, cancellationToken: Ct);
        var result = await client.GetTaskResultAsync(task.TaskId, Ct);
        Assert.Equal("confirmed: deploy", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Equal(task.TaskId, relatedTask);
        Assert.Equal("input_required", statusMeanwhile);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not come true in time.");
            }

            await Task.Delay(20, Ct);
        }
    }
}
