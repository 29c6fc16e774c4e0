using Dapr.Workflow;

namespace AsyncMcp.Dapr.Emulator.Tests.Workflows;

/// <summary>
/// Workflow and activity actors placed over an app's replicas, each with its own sidecar and Dapr.Workflow worker;
/// replicas that stop mid-work, and an app restarted against the same state store.
/// </summary>
public sealed class WorkflowReplicaTests : IAsyncLifetime
{
    private readonly WorkflowHarness _harness = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    // pkg/runtime/wfengine/backends/actors (RegisterActors per connected worker) and pkg/placement/hashing: the
    // internal actors spread over every replica with a worker stream; each replica's work goes to its own streams.
    [Fact]
    public async Task Work_items_spread_over_the_worker_streams_of_every_replica()
    {
        var first = await _harness.StartReplicaAsync("r1");
        await _harness.StartReplicaAsync("r2");
        var client = WorkflowHarness.Client(first);

        var ids = Enumerable.Range(0, 24).Select(i => $"spread-{i}").ToList();
        foreach (var id in ids)
        {
            await client.ScheduleNewWorkflowAsync(nameof(StepsWorkflow), id, 1);
            await client.RaiseEventAsync(id, "step", "x", Cancel);
        }

        foreach (var id in ids)
        {
            Assert.Equal(WorkflowRuntimeStatus.Completed, (await client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel)).RuntimeStatus);
        }

        Assert.Equal(["r1", "r2"], _harness.Ledger.Calls.Select(c => c.Replica).Distinct().Order());
    }

    // pkg/actors/targets/workflow/activity and durabletask-go backend/executor.go GetWorkItems (pending activities
    // of a closed stream are cancelled and retried): the activity runs again on the replica that now owns its actor,
    // at least once; its single result is recorded once.
    [Fact]
    public async Task An_activity_whose_replica_stops_runs_again_on_another_replica()
    {
        var apps = new[] { await _harness.StartReplicaAsync("r1"), await _harness.StartReplicaAsync("r2") };
        var gate = _harness.Ledger.HoldNextActivity();
        var id = await WorkflowHarness.Client(apps[0]).ScheduleNewWorkflowAsync(nameof(StepsWorkflow), "failover-activity", 1);
        await WorkflowHarness.Client(apps[0]).RaiseEventAsync(id, "step", "a", Cancel);
        var held = await _harness.Ledger.ActivityHeld.Task.WaitAsync(Cancel);

        var stopped = apps.Single(a => ReplicaOf(a) == held);
        var survivor = apps.Single(a => a != stopped);
        await stopped.Sidecar.StopAsync();
        var state = await WorkflowHarness.Client(survivor).WaitForWorkflowCompletionAsync(id, cancellation: Cancel);
        gate.SetResult();

        Assert.Equal(["a"], state.ReadOutputAs<List<string>>());
        Assert.Equal(2, _harness.Ledger.Runs[(id, "a")]);
        Assert.Equal([held, ReplicaOf(survivor)], _harness.Ledger.Calls.Where(c => c.Instance == id).Select(c => c.Replica));
        Assert.Single(_harness.Emulator.WorkflowsOf(WorkflowHarness.AppId).Get(id)!.History, e => e.TaskCompleted is not null);
    }

    // pkg/actors/targets/workflow/orchestrator/run.go: a turn whose worker goes away is not saved; the actor runs it
    // again from the saved state on the replica it is placed on next.
    [Fact]
    public async Task A_turn_whose_replica_stops_is_replayed_on_another_replica()
    {
        var apps = new[] { await _harness.StartReplicaAsync("r1"), await _harness.StartReplicaAsync("r2") };
        var gate = _harness.Ledger.HoldNextTurn("failover-turn");
        var client = WorkflowHarness.Client(apps[0]);
        var start = client.ScheduleNewWorkflowAsync(nameof(GreetingWorkflow), "failover-turn", "turn");
        var held = await _harness.Ledger.TurnHeld.Task.WaitAsync(Cancel);

        var stopped = apps.Single(a => ReplicaOf(a) == held);
        var survivor = apps.Single(a => a != stopped);
        await stopped.Sidecar.StopAsync();
        var state = await WorkflowHarness.Client(survivor).WaitForWorkflowCompletionAsync("failover-turn", cancellation: Cancel);
        gate.SetResult();

        Assert.Equal("Hello, turn!", state.ReadOutputAs<string>());
        if (stopped != apps[0])
        {
            Assert.Equal("failover-turn", await start);
        }

        var history = _harness.Emulator.WorkflowsOf(WorkflowHarness.AppId).Get("failover-turn")!.History;
        Assert.Single(history, e => e.ExecutionStarted is not null);
        Assert.Single(history, e => e.TaskScheduled is not null);
    }

    // One turn at a time per instance, but no lock across instances: an instance stuck in its worker does not hold up another.
    [Fact]
    public async Task A_stuck_instance_does_not_hold_up_other_instances()
    {
        var app = await _harness.StartReplicaAsync();
        var client = WorkflowHarness.Client(app);
        var gate = _harness.Ledger.HoldNextTurn("stuck");
        var stuck = client.ScheduleNewWorkflowAsync(nameof(GreetingWorkflow), "stuck", "s");
        await _harness.Ledger.TurnHeld.Task.WaitAsync(Cancel);

        var id = await client.ScheduleNewWorkflowAsync(nameof(GreetingWorkflow), "free", "f");
        Assert.Equal("Hello, f!", (await client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel)).ReadOutputAs<string>());
        Assert.False(stuck.IsCompleted);
        Assert.Equal(global::Dapr.DurableTask.Protobuf.OrchestrationStatus.Pending, _harness.Emulator.WorkflowsOf(WorkflowHarness.AppId).Get("stuck")!.Status);

        gate.SetResult();
        await stuck;
        Assert.Equal("Hello, s!", (await client.WaitForWorkflowCompletionAsync("stuck", cancellation: Cancel)).ReadOutputAs<string>());
    }

    // The state lives in the actor state store and the timers in the cluster (daprd's scheduler): an app restarted
    // against the same store resumes its running instances, their received events and their pending timers.
    [Fact]
    public async Task An_app_restarted_against_the_same_store_resumes_its_instances_and_timers()
    {
        var app = await _harness.StartReplicaAsync("before");
        var client = WorkflowHarness.Client(app);
        await client.ScheduleNewWorkflowAsync(nameof(TimerWorkflow), "restart-timer", 1500);
        await client.ScheduleNewWorkflowAsync(nameof(StepsWorkflow), "restart-steps", 2);
        await client.RaiseEventAsync("restart-steps", "step", "a", Cancel);
        var workflows = _harness.Emulator.WorkflowsOf(WorkflowHarness.AppId);
        await workflows.WaitAsync("restart-steps", s => s.CustomStatus == "\"handled:1\"", Cancel);
        await app.DisposeAsync();

        var restarted = WorkflowHarness.Client(await _harness.StartReplicaAsync("after"));
        await restarted.RaiseEventAsync("restart-steps", "step", "b", Cancel);

        Assert.Equal(["a", "b"], (await restarted.WaitForWorkflowCompletionAsync("restart-steps", cancellation: Cancel)).ReadOutputAs<List<string>>());
        Assert.Equal("fired", (await restarted.WaitForWorkflowCompletionAsync("restart-timer", cancellation: Cancel)).ReadOutputAs<string>());
        Assert.Equal(["before", "after"], _harness.Ledger.Calls.Where(c => c.Instance == "restart-steps").Select(c => c.Replica));
    }

    private static string ReplicaOf(EmulatedApp app) =>
        ((ReplicaName)app.App.Services.GetService(typeof(ReplicaName))!).Name;
}
