using AsyncMcp.Dapr.Client.Tasks;

namespace AsyncMcp.Dapr.Tests.Client;

public sealed class McpTaskWebhooksTests
{
    [Fact]
    public async Task An_ended_task_arrived_before_anyone_waits_is_returned_at_once()
    {
        var webhooks = new McpTaskWebhooks();
        webhooks.Ended(Task("task-1"));

        var ended = await webhooks.WaitForTaskAsync("task-1", TestContext.Current.CancellationToken);

        Assert.Equal("completed", ended.Status);
    }

    [Fact]
    public async Task A_client_that_never_forgets_keeps_only_the_last_ended_tasks_and_every_task_still_waited_on()
    {
        var webhooks = new McpTaskWebhooks();
        var waited = Waiting(webhooks, "waited-on");
        var announced = 0;
        webhooks.TaskEnded += _ => announced++;

        for (var i = 0; i < McpTaskWebhooks.MaxEndedKept + 10; i++)
        {
            webhooks.Ended(Task($"task-{i}"));
        }

        Assert.Equal(McpTaskWebhooks.MaxEndedKept + 10, announced); // every one is announced
        Assert.False(waited.IsCompleted); // a wait in progress is never dropped
        Assert.All(Enumerable.Range(0, 10), i => Assert.False(Waiting(webhooks, $"task-{i}").IsCompleted)); // forgotten
        Assert.All(Enumerable.Range(10, McpTaskWebhooks.MaxEndedKept), i => Assert.True(Waiting(webhooks, $"task-{i}").IsCompletedSuccessfully));

        webhooks.Ended(Task("waited-on"));
        Assert.Equal("waited-on", (await waited).TaskId);
    }

    [Fact]
    public void A_webhook_delivered_twice_counts_once_toward_the_tasks_kept()
    {
        var webhooks = new McpTaskWebhooks();
        webhooks.Ended(Task("first"));
        for (var i = 0; i < McpTaskWebhooks.MaxEndedKept - 1; i++)
        {
            webhooks.Ended(Task($"task-{i}"));
            webhooks.Ended(Task($"task-{i}"));
        }

        Assert.True(Waiting(webhooks, "first").IsCompletedSuccessfully);
    }

    private static Task<McpTaskInfo> Waiting(McpTaskWebhooks webhooks, string taskId) =>
        webhooks.WaitForTaskAsync(taskId, TestContext.Current.CancellationToken);

    private static McpTaskInfo Task(string id) => new() { TaskId = id, Status = "completed" };
}
