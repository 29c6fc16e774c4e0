using AsyncMcp.Dapr.Client.Tasks;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>
/// Tasks outlive the server process (a restart with the same state store loses none), and a result too large for the
/// wire ends in a clear error, never in silence.
/// </summary>
public sealed class TaskDurabilityTests
{
    private static CancellationToken Ct => TestDeadline.Current;

    [Fact]
    public async Task A_task_running_when_the_server_restarts_and_one_already_ended_are_both_answered_after_the_restart()
    {
        await using var harness = await TaskEndToEndHarness.StartAsync();
        var key = "restart-" + Guid.NewGuid().ToString("N");
        McpTaskInfo finished, running;
        await using (var before = await harness.ConnectAsync("2025-11-25"))
        {
            finished = await before.CallToolAsTaskAsync("slow_job", new Dictionary<string, object?> { ["steps"] = 1 }, cancellationToken: Ct);
            await before.GetTaskResultAsync(finished.TaskId, Ct);
            running = await before.CallToolAsTaskAsync("held_idempotent_job", new Dictionary<string, object?> { ["key"] = key }, cancellationToken: Ct);
            await TaskEndToEndTests.WaitUntilAsync(() => harness.RunningReplicaOf(running.TaskId) is not null);
        }

        // The only replica goes away (its sessions with it); a new process starts beside the same state store.
        await harness.StopAsync(harness.Servers.Single());
        await harness.StartServerAsync();
        await TaskEndToEndTests.WaitUntilAsync(() => HeldTools.RunsOf(key) == 2);
        HeldTools.Release(key);

        await using var after = await harness.ConnectAsync("2025-11-25");
        var result = await after.GetTaskResultAsync(running.TaskId, Ct);
        Assert.Equal($"{key} done in run 2", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        var earlier = await after.GetTaskResultAsync(finished.TaskId, Ct);
        Assert.Equal("job done after 1 steps", Assert.IsType<TextContentBlock>(Assert.Single(earlier.Content)).Text);
        var (tasks, _) = await after.ListTasksAsync(cancellationToken: Ct);
        Assert.Contains(tasks, t => t.TaskId == finished.TaskId);
        Assert.Contains(tasks, t => t.TaskId == running.TaskId);
    }

    [Theory]
    [InlineData("2025-11-25")]
    [InlineData("2026-07-28")]
    public async Task A_result_larger_than_the_wire_limit_is_kept_and_its_reader_gets_a_clear_error(string protocolVersion)
    {
        await using var harness = await TaskEndToEndHarness.StartAsync();
        await using var client = await harness.ConnectAsync(protocolVersion);

        var task = await client.CallToolAsTaskAsync("big_result", new Dictionary<string, object?> { ["kibibytes"] = 300 }, cancellationToken: Ct);
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => client.GetTaskResultAsync(task.TaskId, Ct));
        Assert.Equal(-32010, (int)error.ErrorCode);
        Assert.Contains("larger than the wire limit", error.Message, StringComparison.Ordinal);
        if (protocolVersion == "2025-11-25")
        {
            // The task itself is small, and says it completed: the result exists, it cannot cross pub/sub in one event.
            Assert.Equal("completed", (await client.GetTaskAsync(task.TaskId, Ct)).Status);
        }
    }
}
