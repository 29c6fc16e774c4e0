using System.Text.Json;
using AsyncMcp.Dapr.Client.Tasks;
using AsyncMcp.Dapr.Emulator;
using AsyncMcp.Dapr.Workflows.Tasks;
using Dapr.Client;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>
/// 2025-11-25 input during a task when the tool runs on another replica than the one the client's answers reach:
/// replica A takes every client message (the session's replica for the in-memory host), replica B takes no client
/// traffic but runs the task's activity. The tool's elicitation or sampling reaches the client, the task reads
/// input_required meanwhile, and the answer, delivered to A, reaches the tool waiting on B.
/// </summary>
public sealed class TaskInputAcrossReplicasTests
{
    private static CancellationToken Ct => TestDeadline.Current;

    [Theory]
    [InlineData("memory")]
    [InlineData("actors")]
    [InlineData("workflows")]
    public async Task An_elicitation_of_a_task_running_on_another_replica_is_answered_and_the_task_completes_with_the_answer(string host)
    {
        var (harness, runner) = await TwoReplicasAsync(host);
        await using var _ = harness;
        var asked = new TaskCompletionSource<ElicitRequestParams>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource<ElicitResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await harness.ConnectAsync("2025-11-25", new McpClientHandlers
        {
            ElicitationHandler = async (request, _) =>
            {
                asked.TrySetResult(request!);
                return await answer.Task.WaitAsync(Ct);
            },
        });

        var (task, key) = await StartOnAsync(harness, client, runner, "held_ask");
        HeldTools.Release(key);
        var request = await asked.Task.WaitAsync(Ct);
        Assert.Equal("Which word?", request.Message);
        Assert.Equal(task.TaskId, request.Meta!["io.modelcontextprotocol/related-task"]!["taskId"]!.GetValue<string>());
        await TaskInputTests.PollAsync(client, task.TaskId, t => t.Status == "input_required");
        Assert.Same(runner, harness.RunningReplicaOf(task.TaskId));

        answer.SetResult(new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["word"] = JsonSerializer.SerializeToElement("blue") } });
        await TaskInputTests.PollAsync(client, task.TaskId, t => t.Status == "working");
        HeldTools.Release(key + "/after");

        var done = await client.WaitForTaskAsync(task.TaskId, Ct);
        Assert.Equal("completed", done.Status);
        Assert.Equal($"{key} heard accept: blue", await ResultTextAsync(client, task.TaskId));
        Assert.Null(await PendingOfAsync(harness, task.TaskId));
    }

    [Fact]
    public async Task A_sampling_request_of_a_task_running_on_another_replica_is_answered_by_the_clients_model()
    {
        var (harness, runner) = await TwoReplicasAsync("memory");
        await using var _ = harness;
        await using var client = await harness.ConnectAsync("2025-11-25", new McpClientHandlers
        {
            SamplingHandler = (request, _, _) => ValueTask.FromResult(new CreateMessageResult
            {
                Model = "test-model",
                Role = Role.Assistant,
                Content = [new TextContentBlock { Text = "teal, for " + request!.Meta!["io.modelcontextprotocol/related-task"]!["taskId"] }],
            }),
        });

        var (task, key) = await StartOnAsync(harness, client, runner, "held_sample");
        HeldTools.Release(key);

        var done = await client.WaitForTaskAsync(task.TaskId, Ct);
        Assert.Equal("completed", done.Status);
        Assert.Equal($"{key} sampled from test-model: teal, for {task.TaskId}", await ResultTextAsync(client, task.TaskId));
    }

    [Fact]
    public async Task An_answer_that_arrives_after_its_task_was_cancelled_is_dropped_and_logged()
    {
        var (harness, runner) = await TwoReplicasAsync("memory");
        await using var _ = harness;
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await harness.ConnectAsync("2025-11-25", new McpClientHandlers
        {
            ElicitationHandler = async (_, cancellationToken) =>
            {
                asked.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                throw new InvalidOperationException("unreachable");
            },
        });
        var (task, key) = await StartOnAsync(harness, client, runner, "held_ask");
        HeldTools.Release(key);
        await asked.Task.WaitAsync(Ct);
        var requestId = Assert.Single((await PendingOfAsync(harness, task.TaskId))!.Pending.Keys);
        Assert.StartsWith("mcptask-" + task.TaskId + "-", requestId, StringComparison.Ordinal);

        // Cancelling the task ends the tool's wait: the waiting run strikes its request, so nothing is left behind.
        Assert.Equal("cancelled", (await client.CancelTaskAsync(task.TaskId, Ct)).Status);
        await TaskEndToEndTests.WaitUntilAsync(() => harness.RunningReplicaOf(task.TaskId) is null);
        Assert.Null(await PendingOfAsync(harness, task.TaskId));

        await client.SendMessageAsync(new JsonRpcResponse { Id = new RequestId(requestId), Result = Answer("late") }, Ct);
        await TaskEndToEndTests.WaitUntilAsync(() => harness.Logs.Any(line =>
            line.Contains($"the answer to request {requestId} from client was dropped", StringComparison.Ordinal)));
        Assert.Equal("cancelled", (await client.GetTaskAsync(task.TaskId, Ct)).Status);
    }

    [Fact]
    public async Task An_answer_from_another_app_is_refused_and_the_task_keeps_waiting_for_its_own_client()
    {
        var (harness, runner) = await TwoReplicasAsync("memory");
        await using var _ = harness;
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource<ElicitResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await harness.ConnectAsync("2025-11-25", new McpClientHandlers
        {
            ElicitationHandler = async (_, _) =>
            {
                asked.TrySetResult();
                return await answer.Task.WaitAsync(Ct);
            },
        });
        var intruderApp = await harness.StartClientAsync("intruder");
        await using var intruder = await harness.ConnectAsync("2025-11-25", from: intruderApp);
        var (task, key) = await StartOnAsync(harness, client, runner, "held_ask");
        HeldTools.Release(key);
        await asked.Task.WaitAsync(Ct);
        var requestId = Assert.Single((await PendingOfAsync(harness, task.TaskId))!.Pending.Keys);

        await intruder.SendMessageAsync(new JsonRpcResponse { Id = new RequestId(requestId), Result = Answer("mallory") }, Ct);
        await TaskEndToEndTests.WaitUntilAsync(() => harness.Logs.Any(line =>
            line.Contains($"request {requestId} came from intruder, but the task belongs to app:client; refused", StringComparison.Ordinal)));
        Assert.Equal("input_required", (await client.GetTaskAsync(task.TaskId, Ct)).Status);

        answer.SetResult(new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["word"] = JsonSerializer.SerializeToElement("blue") } });
        HeldTools.Release(key + "/after");
        var done = await client.WaitForTaskAsync(task.TaskId, Ct);
        Assert.Equal($"{key} heard accept: blue", await ResultTextAsync(client, task.TaskId));
    }

    // The relay counts the answers it drops in the pub/sub transport's metrics; an app without that transport (Streamable
    // HTTP only) has none, and the relay is built all the same.
    [Fact]
    public void The_relay_is_built_without_the_pub_sub_transports_metrics()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMcpServer().WithDaprTasks();
        services.Replace(ServiceDescriptor.Singleton<IDaprWorkflowClient>(new FakeWorkflowClient()));
        using var provider = services.BuildServiceProvider();
        var metrics = Type.GetType("AsyncMcp.Dapr.Diagnostics.McpDaprMetrics, AsyncMcp.Dapr", throwOnError: true)!;

        Assert.Null(provider.GetService(metrics));
        Assert.NotNull(provider.GetRequiredService<TaskInputRelay>());
    }

    /// <summary>
    /// Replica A (started first, with the client) takes every client message; replica B runs tasks but subscribes to
    /// another topic, so that no client message, answers included, ever reaches it. Returns the harness and B.
    /// </summary>
    private static async Task<(TaskEndToEndHarness Harness, EmulatedApp Runner)> TwoReplicasAsync(string host)
    {
        var settings = host switch
        {
            "actors" => new Dictionary<string, string?> { ["Mcp:Sessions:Actors"] = "true" },
            "workflows" => new Dictionary<string, string?> { ["Mcp:Sessions:Workflows"] = "true" },
            _ => new Dictionary<string, string?>(),
        };
        var harness = await TaskEndToEndHarness.StartAsync(settings);
        var runner = await harness.StartServerAsync(new Dictionary<string, string?> { ["Mcp:PubSub:Topic"] = "mcp-requests-not-for-clients" });
        return (harness, runner);
    }

    /// <summary>
    /// Creates tasks of <paramref name="tool"/> (which holds until its key is released) until one runs on
    /// <paramref name="runner"/>: the engine places each activity by its id, so another lands on A half the time.
    /// </summary>
    private static async Task<(McpTaskInfo Task, string Key)> StartOnAsync(TaskEndToEndHarness harness, McpClient client, EmulatedApp runner, string tool)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var key = $"{tool}-{Guid.NewGuid():N}";
            var task = await client.CallToolAsTaskAsync(tool, new Dictionary<string, object?> { ["key"] = key }, cancellationToken: Ct);
            await TaskEndToEndTests.WaitUntilAsync(() => harness.RunningReplicaOf(task.TaskId) is not null);
            if (harness.RunningReplicaOf(task.TaskId) == runner)
            {
                return (task, key);
            }

            await client.CancelTaskAsync(task.TaskId, Ct);
        }

        Assert.Fail("no task's activity ran on the second replica in 20 attempts");
        throw new InvalidOperationException();
    }

    private static async Task<TaskInputRecord?> PendingOfAsync(TaskEndToEndHarness harness, string taskId) =>
        await harness.Servers[0].App.Services.GetRequiredService<DaprClient>().GetStateAsync<TaskInputRecord?>("statestore", "mcp-task-input-" + taskId, cancellationToken: Ct);

    private static System.Text.Json.Nodes.JsonObject Answer(string word) => new System.Text.Json.Nodes.JsonObject
    {
        ["action"] = "accept",
        ["content"] = new System.Text.Json.Nodes.JsonObject { ["word"] = word },
    };

    private static async Task<string> ResultTextAsync(McpClient client, string taskId) =>
        Assert.IsType<TextContentBlock>(Assert.Single((await client.GetTaskResultAsync(taskId, Ct)).Content)).Text;
}
