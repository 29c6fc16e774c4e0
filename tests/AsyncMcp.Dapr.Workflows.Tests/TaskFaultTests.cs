using AsyncMcp.Dapr.Client.Tasks;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>
/// A server replica stopped while its task's tool runs: the workflow engine runs the activity again on a surviving
/// replica, where an idempotent tool runs again and any other tool ends the task as failed, naming the interruption.
/// </summary>
public sealed class TaskFaultTests
{
    private static CancellationToken Ct => Deadline.Token;

    // A fault that is not handled must fail the test, not hang it.
    private static readonly CancellationTokenSource Deadline = Deadlined();

    private static CancellationTokenSource Deadlined()
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(TimeSpan.FromSeconds(60));
        return source;
    }

    [Fact]
    public async Task A_non_idempotent_task_whose_replica_stops_fails_with_the_interruption_and_does_not_run_twice()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync();
        await harness.StartServerAsync();
        await using var client = await harness.ConnectAsync();
        var key = "once-" + Guid.NewGuid().ToString("N");

        var task = await client.CallToolAsTaskAsync("held_job", new Dictionary<string, object?> { ["key"] = key }, cancellationToken: Ct);
        await TaskEndToEndTests.WaitUntilAsync(() => harness.RunningReplicaOf(task.TaskId) is not null);
        await harness.StopAsync(harness.RunningReplicaOf(task.TaskId)!);

        var done = await client.WaitForTaskAsync(task.TaskId, Ct);
        HeldTools.Release(key);
        Assert.Equal("failed", done.Status);
        Assert.Contains("stopped before the tool finished", done.StatusMessage);
        Assert.Equal(-32015, done.Error!["code"]!.GetValue<int>());
        Assert.Equal(1, HeldTools.RunsOf(key));
    }

    [Fact]
    public async Task An_idempotent_task_whose_replica_stops_runs_again_on_another_replica_and_completes()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync();
        await harness.StartServerAsync();
        await using var client = await harness.ConnectAsync();
        var key = "again-" + Guid.NewGuid().ToString("N");

        var task = await client.CallToolAsTaskAsync("held_idempotent_job", new Dictionary<string, object?> { ["key"] = key }, cancellationToken: Ct);
        await TaskEndToEndTests.WaitUntilAsync(() => harness.RunningReplicaOf(task.TaskId) is not null);
        await harness.StopAsync(harness.RunningReplicaOf(task.TaskId)!);
        await TaskEndToEndTests.WaitUntilAsync(() => HeldTools.RunsOf(key) == 2);
        HeldTools.Release(key);

        var done = await client.WaitForTaskAsync(task.TaskId, Ct);
        Assert.Equal("completed", done.Status);
        Assert.Equal($"{key} done in run 2", done.Result!["content"]![0]!["text"]!.GetValue<string>());
    }
}
