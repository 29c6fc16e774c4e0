using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AsyncMcp.Dapr.Emulator.Tests.Workflows;

/// <summary>Workflow steps recorded exactly once under load, and the log line per work item.</summary>
public sealed class WorkflowExactlyOnceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // pkg/actors/targets/workflow/orchestrator (one turn at a time per instance, the inbox saved before the turn) and
    // durabletask-go backend/runtimestate/dedup (a task resolves once): 64 instances × 100 events over two replicas,
    // each event handled by exactly one activity whose single completion is in the history.
    [Fact]
    public async Task Sixty_four_instances_times_a_hundred_events_are_each_handled_exactly_once()
    {
        const int Instances = 64;
        const int Events = 100;
        await using var harness = new WorkflowHarness();
        var client = WorkflowHarness.Client(await harness.StartReplicaAsync("r1"));
        await harness.StartReplicaAsync("r2");

        var ids = Enumerable.Range(0, Instances).Select(i => $"once-{i:D2}").ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Instances, CancellationToken = Cancel }, async (id, ct) =>
        {
            await client.ScheduleNewWorkflowAsync(nameof(StepsWorkflow), id, Events);
            for (var e = 0; e < Events; e++)
            {
                await client.RaiseEventAsync(id, "step", $"{id}/{e}", ct);
            }
        });

        var workflows = harness.Emulator.WorkflowsOf(WorkflowHarness.AppId);
        int missing = 0, duplicated = 0;
        foreach (var id in ids)
        {
            var state = await client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel);
            var expected = Enumerable.Range(0, Events).Select(e => $"{id}/{e}").ToList();
            Assert.Equal(expected, state.ReadOutputAs<List<string>>());

            var completions = workflows.Get(id)!.History.Where(e => e.TaskCompleted is not null).ToList();
            var results = completions.Select(c => System.Text.Json.JsonSerializer.Deserialize<string>(c.TaskCompleted.Result)!).ToList();
            missing += expected.Except(results).Count();
            duplicated += results.Count - results.Distinct().Count();
            Assert.Equal(completions.Count, completions.Select(c => c.TaskCompleted.TaskScheduledId).Distinct().Count());
        }

        Assert.Equal((0, 0), (missing, duplicated));
        Assert.Equal(Instances * Events, harness.Ledger.Runs.Count);
        Assert.All(harness.Ledger.Runs.Values, runs => Assert.Equal(1, runs));
    }

    // The emulator's style (one line per outcome, as for pub/sub deliveries): each work item's outcome is logged with
    // its kind, actor and stream, and a worker stream's connection.
    [Fact]
    public async Task Each_work_item_outcome_gets_a_log_line()
    {
        var lines = new ConcurrentQueue<string>();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(lines)).SetMinimumLevel(LogLevel.Information));
        await using var harness = new WorkflowHarness(new DaprEmulatorOptions { LoggerFactory = factory });
        var client = WorkflowHarness.Client(await harness.StartReplicaAsync());

        var id = await client.ScheduleNewWorkflowAsync(nameof(GreetingWorkflow), "logged-1", "log");
        await client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel);

        // The client may see the completion before the turn's log lines are written: wait for the last of them.
        await Wait.UntilAsync(
            () => lines.Any(l => l.Contains("workflow 'logged-1' (GreetingWorkflow) is Completed", StringComparison.Ordinal)),
            "the workflow's completion log line");

        Assert.Contains(lines, l => l.Contains("'wf-app' worker stream", StringComparison.Ordinal) && l.Contains("connected", StringComparison.Ordinal));
        Assert.Equal(2, lines.Count(l => l.Contains("'wf-app' workflow work item logged-1 ", StringComparison.Ordinal) && l.Contains("completed with", StringComparison.Ordinal)));
        Assert.Single(lines, l => l.Contains("'wf-app' activity work item logged-1::", StringComparison.Ordinal) && l.Contains(": completed", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("workflow 'logged-1' (GreetingWorkflow) is Completed", StringComparison.Ordinal));
    }
}
