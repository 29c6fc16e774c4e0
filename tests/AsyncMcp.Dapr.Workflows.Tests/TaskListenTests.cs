using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Client.Tasks;
using AsyncMcp.Dapr.Workflows.Tasks;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>
/// SEP-2663 status push: a 2026-07-28 client that declared the tasks extension opens <c>subscriptions/listen</c> with
/// <c>notifications.taskIds</c> and receives <c>notifications/tasks</c> (the detailed task) over Dapr pub/sub, sent by
/// the notify activity of whichever replica runs the task's workflow.
/// </summary>
public sealed class TaskListenTests
{
    private static CancellationToken Ct => TestDeadline.Current;

    [Fact]
    public async Task A_listening_2026_client_is_told_each_status_of_its_task_with_the_result_inline_from_any_replica()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync();
        await harness.StartServerAsync();
        await using var client = await harness.ConnectAsync();
        var key = "listen-" + Guid.NewGuid().ToString("N");
        var task = await client.CallToolAsTaskAsync("held_job", new Dictionary<string, object?> { ["key"] = key }, cancellationToken: Ct);
        var later = await client.CallToolAsTaskAsync("held_job", new Dictionary<string, object?> { ["key"] = key + "-later" }, cancellationToken: Ct);
        var other = await client.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 1 }, cancellationToken: Ct);
        var pushed = new ConcurrentQueue<McpTaskInfo>();

        // Everything the server sends as notifications/tasks, whether or not a listener still wants it.
        var received = new ConcurrentQueue<string>();
        await using var all = client.RegisterNotificationHandler("notifications/tasks", (n, _) =>
        {
            received.Enqueue($"{n.Params!["taskId"]} {n.Params!["status"]}");
            return ValueTask.CompletedTask;
        });

        await using (var listener = await client.ListenToTasksAsync([task.TaskId, later.TaskId, "0123456789abcdef0123456789abcdef"], (t, _) => { pushed.Enqueue(t); return ValueTask.CompletedTask; }, Ct))
        {
            // Granted: the caller's own tasks; not an unknown one.
            Assert.Equal([task.TaskId, later.TaskId], listener.TaskIds);
            await TaskEndToEndTests.WaitUntilAsync(() => pushed.Any(t => t.TaskId == task.TaskId && t.Status == "working"));

            HeldTools.Release(key);
            await TaskEndToEndTests.WaitUntilAsync(() => pushed.Any(t => t.Status == "completed"));
            var completed = pushed.Last(t => t.Status == "completed");
            Assert.Equal(task.TaskId, completed.TaskId);
            Assert.Equal($"{key} done in run 1", completed.Result!["content"]![0]!["text"]!.GetValue<string>());
            Assert.NotNull(completed.TimeToLive);
            Assert.NotNull(completed.LastUpdatedAt);
            Assert.Equal(completed.Result.ToJsonString(), (await client.GetTaskAsync(task.TaskId, Ct)).Result!.ToJsonString());
        }

        // Only the tasks listened to were pushed. Closing the stream cancels the listen request over pub/sub; once the
        // server has taken the cancellation, the stream is no listener any more and gets nothing more.
        Assert.DoesNotContain(pushed, t => t.TaskId == other.TaskId);
        var registry = harness.Servers[0].App.Services.GetRequiredService<TaskListeners>();
        for (var poll = 0; (await registry.ListAsync(later.TaskId, Ct)).Count > 0; poll++)
        {
            Assert.True(poll < 400, "the closed stream is still a listener of the task");
            await Task.Delay(50, Ct);
        }

        HeldTools.Release(key + "-later");
        Assert.Equal("completed", (await client.WaitForTaskAsync(later.TaskId, Ct)).Status);
        Assert.Equal("completed", (await client.WaitForTaskAsync(other.TaskId, Ct)).Status);
        await Task.Delay(500, Ct);
        Assert.DoesNotContain($"{later.TaskId} completed", received);
        Assert.DoesNotContain(received, r => r.StartsWith(other.TaskId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_listener_sees_input_required_with_its_requests_and_an_ended_task_is_told_at_once()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync(new Dictionary<string, string?> { ["Mcp:Tasks:Tools:confirm_action"] = "Optional" });
        await using var client = await harness.ConnectAsync("2026-07-28", new McpClientHandlers
        {
            // Declared so that the tool may elicit; the answer goes through tasks/update.
            ElicitationHandler = (_, _) => throw new InvalidOperationException("a task's elicitation must come through inputRequests"),
        });
        var task = await client.CallToolAsTaskAsync("confirm_action", new Dictionary<string, object?> { ["action"] = "deploy" }, cancellationToken: Ct);
        var pushed = new ConcurrentQueue<McpTaskInfo>();
        await using var listener = await client.ListenToTasksAsync([task.TaskId], (t, _) => { pushed.Enqueue(t); return ValueTask.CompletedTask; }, Ct);

        await TaskEndToEndTests.WaitUntilAsync(() => pushed.Any(t => t.Status == "input_required" && t.InputRequests is not null));
        var waiting = pushed.First(t => t.Status == "input_required" && t.InputRequests is not null);
        var requestKey = waiting.InputRequests!.First().Key;
        await client.UpdateTaskAsync(task.TaskId, new JsonObject { [requestKey] = new JsonObject { ["action"] = "accept", ["content"] = new JsonObject { ["confirm"] = true } } }, Ct);
        await TaskEndToEndTests.WaitUntilAsync(() => pushed.Any(t => t.Status == "completed"));
        Assert.Equal("confirmed: deploy", pushed.Last(t => t.Status == "completed").Result!["content"]![0]!["text"]!.GetValue<string>());

        // Listening to a task that has already ended: its final status comes right after the acknowledgement.
        var late = new ConcurrentQueue<McpTaskInfo>();
        await using var again = await client.ListenToTasksAsync([task.TaskId], (t, _) => { late.Enqueue(t); return ValueTask.CompletedTask; }, Ct);
        await TaskEndToEndTests.WaitUntilAsync(() => late.Any(t => t.Status == "completed" && t.Result is not null));
    }

    [Fact]
    public async Task Listening_to_tasks_without_declaring_the_extension_is_refused_and_another_apps_task_is_not_granted()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync();
        var intruderApp = await harness.StartClientAsync("intruder");
        await using var owner = await harness.ConnectAsync();
        await using var intruder = await harness.ConnectAsync(from: intruderApp);
        var task = await owner.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 1 }, cancellationToken: Ct);

        var refused = await Assert.ThrowsAnyAsync<McpProtocolException>(() => owner.SendRequestAsync(
            new JsonRpcRequest { Method = "subscriptions/listen", Params = new JsonObject { ["notifications"] = new JsonObject { ["taskIds"] = new JsonArray(task.TaskId) } } }, Ct));
        Assert.Equal(McpErrorCode.MissingRequiredClientCapability, refused.ErrorCode);

        await using var foreign = await intruder.ListenToTasksAsync([task.TaskId], (_, _) => ValueTask.CompletedTask, Ct);
        Assert.Empty(foreign.TaskIds);
        var malformed = await Assert.ThrowsAsync<McpProtocolException>(() => owner.SendRequestAsync(
            new JsonRpcRequest { Method = "subscriptions/listen", Params = TaskServerHarness.Declaring(new JsonObject { ["notifications"] = new JsonObject { ["taskIds"] = "not-a-list" } }) }, Ct));
        Assert.Equal(McpErrorCode.InvalidParams, malformed.ErrorCode);
    }
}
