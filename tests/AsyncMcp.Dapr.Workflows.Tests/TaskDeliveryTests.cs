using System.Collections.Concurrent;
using System.Text;
using AsyncMcp.Dapr.Client.Tasks;
using AsyncMcp.Dapr.Wire;
using AsyncMcp.Dapr.Workflows.Tasks;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>
/// How a task's messages reach its client: over webhook replies, with the actor session host, from a replica that does
/// not hold the client's session, and the signed completion webhook a client may ask for (forgeries refused).
/// </summary>
public sealed class TaskDeliveryTests
{
    private const string TaskWebhookPath = "mcp/webhooks/tasks";

    private static readonly Dictionary<string, string?> FastTasks = new() { ["Mcp:Tasks:PollInterval"] = "00:00:00.100" };

    private static CancellationToken Ct => TestDeadline.Current;

    [Fact]
    public async Task A_task_over_webhook_replies_reports_progress_and_announces_its_end_by_a_signed_completion_webhook()
    {
        await using var harness = await DaprMcpHarness.StartWithWebhooksAsync(FastTasks);
        var progress = new ConcurrentQueue<JsonRpcNotification>();
        await using var client = await harness.ConnectAsync("2025-11-25", cancellationToken: Ct);
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (n, _) => { progress.Enqueue(n); return ValueTask.CompletedTask; });
        var webhooks = harness.Client.App.Services.GetRequiredService<McpTaskWebhooks>();

        var task = await client.CallToolAsTaskAsync(
            "slow_job", new Dictionary<string, object?> { ["steps"] = 3 }, progressToken: new ProgressToken("w-1"),
            completionWebhook: ReplyAddress.ForBinding(DaprMcpHarness.ReplyBinding, TaskWebhookPath), cancellationToken: Ct);

        var ended = await webhooks.WaitForTaskAsync(task.TaskId, Ct);
        Assert.Equal("completed", ended.Status);
        Assert.Equal("job done after 3 steps", ended.Result!["content"]![0]!["text"]!.GetValue<string>());
        await TaskEndToEndTests.WaitUntilAsync(() => progress.Count == 3);
        Assert.All(progress, n => Assert.Equal(task.TaskId, n.Params!["_meta"]!["io.modelcontextprotocol/related-task"]!["taskId"]!.GetValue<string>()));

        // The task reads as ended as soon as the webhook arrives: the server waits for the workflow to record it.
        Assert.Equal("completed", (await client.GetTaskAsync(task.TaskId, Ct)).Status);
        await TaskEndToEndTests.WaitUntilAsync(() => harness.Gate!.Deliveries.Any(d => d.Path == TaskWebhookPath));
        var delivery = Assert.Single(harness.Gate!.Deliveries, d => d.Path == TaskWebhookPath);
        Assert.Equal(204, delivery.Status);
        Assert.StartsWith("v1,", delivery.Headers["webhook-signature"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_tampered_or_replayed_completion_webhook_is_refused_and_never_reaches_the_client()
    {
        await using var harness = await DaprMcpHarness.StartWithWebhooksAsync(FastTasks);
        await using var client = await harness.ConnectAsync("2025-11-25", cancellationToken: Ct);
        var webhooks = harness.Client.App.Services.GetRequiredService<McpTaskWebhooks>();
        var announced = new ConcurrentQueue<McpTaskInfo>();
        webhooks.TaskEnded += announced.Enqueue;
        var task = await client.CallToolAsTaskAsync(
            "slow_job", new Dictionary<string, object?> { ["steps"] = 1 },
            completionWebhook: ReplyAddress.ForBinding(DaprMcpHarness.ReplyBinding, TaskWebhookPath), cancellationToken: Ct);
        await webhooks.WaitForTaskAsync(task.TaskId, Ct);
        await TaskEndToEndTests.WaitUntilAsync(() => harness.Gate!.Deliveries.Any(d => d.Path == TaskWebhookPath));
        var genuine = Assert.Single(harness.Gate!.Deliveries, d => d.Path == TaskWebhookPath);

        // The same body with the result changed: the signature no longer matches.
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(genuine.Body).Replace("job done after 1 steps", "job done by mallory", StringComparison.Ordinal));
        Assert.Equal(401, await harness.Gate.SendAsync(TaskWebhookPath, genuine.Headers, tampered));

        // Signed, by the Standard Webhooks scheme, with a key the client does not hold.
        var signed = Encoding.UTF8.GetBytes($"{genuine.Headers["webhook-id"]}.{genuine.Headers["webhook-timestamp"]}.").Concat(tampered).ToArray();
        var forged = System.Security.Cryptography.HMACSHA256.HashData("not-the-shared-secret-at-all!!!!"u8.ToArray(), signed);
        var headers = new Dictionary<string, string>(genuine.Headers) { ["webhook-signature"] = "v1," + Convert.ToBase64String(forged) };
        Assert.Equal(401, await harness.Gate.SendAsync(TaskWebhookPath, headers, tampered));

        // Unsigned, and the genuine delivery sent again.
        Assert.Equal(400, await harness.Gate.SendAsync(TaskWebhookPath, new Dictionary<string, string> { ["content-type"] = "application/cloudevents+json" }, genuine.Body));
        Assert.Equal(409, await harness.Gate.SendAsync(TaskWebhookPath, genuine.Headers, genuine.Body));

        Assert.Equal("job done after 1 steps", Assert.Single(announced).Result!["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_completion_webhook_to_a_binding_the_server_does_not_declare_or_a_malformed_address_is_invalid_params()
    {
        await using var harness = await DaprMcpHarness.StartWithWebhooksAsync(FastTasks);
        await using var client = await harness.ConnectAsync("2025-11-25", cancellationToken: Ct);

        var undeclared = await Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsTaskAsync(
            "slow_job", completionWebhook: ReplyAddress.ForBinding("attacker-binding", TaskWebhookPath), cancellationToken: Ct));
        Assert.Equal(McpErrorCode.InvalidParams, undeclared.ErrorCode);
        Assert.Contains("attacker-binding", undeclared.Message, StringComparison.Ordinal);

        var parameters = new System.Text.Json.Nodes.JsonObject
        {
            ["name"] = "slow_job",
            ["task"] = new System.Text.Json.Nodes.JsonObject(),
            ["_meta"] = new System.Text.Json.Nodes.JsonObject { [McpTaskWebhooks.MetaKey] = "https://attacker.example/hook" },
        };
        var malformed = await Assert.ThrowsAsync<McpProtocolException>(() => client.SendRequestAsync(new JsonRpcRequest { Method = "tools/call", Params = parameters }, Ct));
        Assert.Equal(McpErrorCode.InvalidParams, malformed.ErrorCode);
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2026-07-28")]
    public async Task Tasks_work_with_the_actor_session_host(string protocolVersion)
    {
        await using var harness = await TaskEndToEndHarness.StartAsync(new Dictionary<string, string?> { ["Mcp:Sessions:Actors"] = "true" });
        var status = new ConcurrentQueue<string>();
        await using var client = await harness.ConnectAsync(protocolVersion);
        await using var handler = client.RegisterNotificationHandler("notifications/tasks/status", (n, _) => { status.Enqueue(n.Params!["status"]!.GetValue<string>()); return ValueTask.CompletedTask; });

        var task = await client.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 2 }, cancellationToken: Ct);
        var result = await client.GetTaskResultAsync(task.TaskId, Ct);
        Assert.Equal("job done after 2 steps", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        if (protocolVersion == "2025-11-25")
        {
            await TaskEndToEndTests.WaitUntilAsync(() => status.Contains("completed"));
        }

        var running = await client.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 500 }, cancellationToken: Ct);
        await client.CancelTaskAsync(running.TaskId, Ct);
        Assert.Equal("cancelled", (await client.WaitForTaskAsync(running.TaskId, Ct)).Status);
    }

    [Fact]
    public async Task Progress_and_status_reach_a_session_that_no_replica_running_the_task_holds()
    {
        // Actor sessions: a session's requests may arrive at any replica, and its owner may be either.
        await using var harness = await TaskEndToEndHarness.StartAsync(new Dictionary<string, string?> { ["Mcp:Sessions:Actors"] = "true" });
        await harness.StartServerAsync();
        var notifications = new ConcurrentQueue<JsonRpcNotification>();
        await using var client = await harness.ConnectAsync("2025-11-25");
        await using var progress = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (n, _) => { notifications.Enqueue(n); return ValueTask.CompletedTask; });
        await using var status = client.RegisterNotificationHandler("notifications/tasks/status", (n, _) => { notifications.Enqueue(n); return ValueTask.CompletedTask; });
        var key = "far-" + Guid.NewGuid().ToString("N");

        var task = await client.CallToolAsTaskAsync("held_idempotent_job", new Dictionary<string, object?> { ["key"] = key }, progressToken: new ProgressToken("far-1"), cancellationToken: Ct);

        // As when the session's owner is another replica (or restarted): no replica has the session in its process.
        foreach (var server in harness.Servers)
        {
            server.App.Services.GetRequiredService<TaskExecutions>().Detach(task.TaskId);
        }

        HeldTools.Release(key);
        var done = await client.WaitForTaskAsync(task.TaskId, Ct);
        Assert.Equal("completed", done.Status);
        await TaskEndToEndTests.WaitUntilAsync(() => notifications.Any(n => n.Method == "notifications/tasks/status" && n.Params!["status"]!.GetValue<string>() == "completed"));
        var pushed = notifications.First(n => n.Method == "notifications/tasks/status");
        Assert.Equal(task.TaskId, pushed.Params!["taskId"]!.GetValue<string>());
        await TaskEndToEndTests.WaitUntilAsync(() => notifications.Any(n => n.Method == NotificationMethods.ProgressNotification));
        var step = notifications.First(n => n.Method == NotificationMethods.ProgressNotification);
        Assert.Equal("far-1", step.Params!["progressToken"]!.GetValue<string>());
        Assert.Equal(task.TaskId, step.Params!["_meta"]!["io.modelcontextprotocol/related-task"]!["taskId"]!.GetValue<string>());
    }
}
