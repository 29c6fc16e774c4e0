using AsyncMcp.Dapr.Emulator.Workflows;
using Dapr.DurableTask.Protobuf;
using Dapr.Workflow;
using Dapr.Workflow.Client;
using Grpc.Core;
using Grpc.Net.Client;

namespace AsyncMcp.Dapr.Emulator.Tests.Workflows;

/// <summary>
/// Child workflows, ContinueAsNew, suspend/resume, recursive terminate and purge, listing, history and rerun, and
/// bad input, through the real Dapr.Workflow 1.19 SDK against one emulated sidecar.
/// </summary>
public sealed class WorkflowLifecycleTests : IAsyncLifetime
{
    private readonly WorkflowHarness _harness = new();
    private EmulatedApp _app = null!;
    private DaprWorkflowClient _client = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private EmulatedWorkflows Workflows => _harness.Emulator.WorkflowsOf(WorkflowHarness.AppId);

    public async ValueTask InitializeAsync()
    {
        _app = await _harness.StartReplicaAsync();
        _client = WorkflowHarness.Client(_app);
    }

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    // durabletask-go backend/runtimestate/applier.go CreateChildWorkflow (ChildWorkflowInstanceCreated, a start message
    // with the parent's info) and the child's completion sent back as ChildWorkflowInstanceCompleted.
    [Fact]
    public async Task A_child_workflow_reports_its_output_to_its_parent()
    {
        var id = await _client.ScheduleNewWorkflowAsync(nameof(ParentWorkflow), "parent-1", "child");
        var state = await _client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel);

        Assert.Equal("Hello, child!", state.ReadOutputAs<string>());
        var parent = Workflows.Get(id)!.History;
        var created = Assert.Single(parent, e => e.ChildWorkflowInstanceCreated is not null);
        Assert.Equal("parent-1-child", created.ChildWorkflowInstanceCreated.InstanceId);
        Assert.Equal(created.EventId, Assert.Single(parent, e => e.ChildWorkflowInstanceCompleted is not null).ChildWorkflowInstanceCompleted.TaskScheduledId);
        var child = Workflows.Get("parent-1-child")!;
        Assert.Equal(OrchestrationStatus.Completed, child.Status);
        var start = child.History.Single(e => e.ExecutionStarted is not null).ExecutionStarted;
        Assert.Equal(("parent-1", created.EventId, WorkflowHarness.AppId), (start.ParentInstance.WorkflowInstance.InstanceId, start.ParentInstance.TaskScheduledId, start.ParentInstance.AppID));
    }

    // The worker fails a workflow it has no registration for (Dapr.Workflow WorkflowWorker: WorkflowNotFound); the
    // failure reaches the parent as ChildWorkflowInstanceFailed, as with daprd.
    [Fact]
    public async Task An_unknown_workflow_name_fails_the_instance_with_the_sdks_failure_details()
    {
        var id = await _client.ScheduleNewWorkflowAsync("NoSuchWorkflow", "unknown-1", "x");
        var state = await _client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel);
        Assert.Equal(WorkflowRuntimeStatus.Failed, state.RuntimeStatus);
        Assert.Equal("WorkflowNotFound", state.FailureDetails!.ErrorType);

        var parent = await _client.ScheduleNewWorkflowAsync(nameof(MissingChildWorkflow), "unknown-parent", "x");
        Assert.Equal(WorkflowRuntimeStatus.Failed, (await _client.WaitForWorkflowCompletionAsync(parent, cancellation: Cancel)).RuntimeStatus);
        Assert.Contains(Workflows.Get(parent)!.History, e => e.ChildWorkflowInstanceFailed is not null);
    }

    // applier.go ContinueAsNew: a new execution (new execution id, history reset, generation raised) that starts with
    // the carried-over events; pkg/runtime/wfengine/state/state.go rewrites the history rows.
    [Fact]
    public async Task ContinueAsNew_starts_a_new_execution_with_the_unhandled_events()
    {
        var id = await _client.ScheduleNewWorkflowAsync(nameof(CounterWorkflow), "counter-1", 0);
        var executionId = Workflows.Get(id)!.History.Single(e => e.ExecutionStarted is not null).ExecutionStarted.WorkflowInstance.ExecutionId;
        await _client.RaiseEventAsync(id, "inc", "1", Cancel);
        await _client.RaiseEventAsync(id, "inc", "2", Cancel);
        await _client.RaiseEventAsync(id, "inc", "3", Cancel);

        var state = await _client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel);
        Assert.Equal(3, state.ReadOutputAs<int>());
        var snapshot = Workflows.Get(id)!;
        Assert.True(snapshot.Generation >= 3, $"generation {snapshot.Generation}");
        var start = Assert.Single(snapshot.History, e => e.ExecutionStarted is not null).ExecutionStarted;
        Assert.Equal("2", start.Input);
        Assert.NotEqual(executionId, start.WorkflowInstance.ExecutionId);
        Assert.Equal(snapshot.History.Count, Workflows.StateKeys(id).Count(k => k.Contains("||history-", StringComparison.Ordinal)));
    }

    // backend/executor.go SuspendInstance/ResumeInstance: ExecutionSuspended/ExecutionResumed in the history; events
    // that arrive while suspended are kept and handled after the resume.
    [Fact]
    public async Task A_suspended_workflow_holds_its_events_until_resumed()
    {
        var id = await _client.ScheduleNewWorkflowAsync(nameof(WaitingWorkflow), "suspend-1", "x");
        await _client.SuspendWorkflowAsync(id, "pause", Cancel);
        Assert.Equal(WorkflowRuntimeStatus.Suspended, (await _client.GetWorkflowStateAsync(id, cancellation: Cancel)).RuntimeStatus);

        await _client.RaiseEventAsync(id, "go", "later", Cancel);
        await Workflows.WaitAsync(id, s => s.InboxLength == 0 && s.History.Any(e => e.EventRaised is not null), Cancel);
        Assert.Equal(WorkflowRuntimeStatus.Suspended, (await _client.GetWorkflowStateAsync(id, cancellation: Cancel)).RuntimeStatus);

        await _client.ResumeWorkflowAsync(id, "carry on", Cancel);
        var state = await _client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel);
        Assert.Equal("later", state.ReadOutputAs<string>());
        Assert.Equal("pause", Workflows.Get(id)!.History.Single(e => e.ExecutionSuspended is not null).ExecutionSuspended.Input);
    }

    // durabletask-go backend/orchestration.go (cascade terminate to running children) and the SDK's recursive
    // terminate and purge (TerminateRequest.recursive, PurgeInstancesRequest.recursive; orchestrator/recursivepurge.go).
    [Fact]
    public async Task Terminate_and_purge_reach_the_children()
    {
        var id = await _client.ScheduleNewWorkflowAsync(nameof(WaitingParentWorkflow), "tree-1", "x");
        await Workflows.WaitAsync("tree-1-child", s => s.Status == OrchestrationStatus.Running, Cancel);

        await _client.TerminateWorkflowAsync(id, cancellation: Cancel);
        var child = await Workflows.WaitAsync("tree-1-child", s => s.Status == OrchestrationStatus.Terminated, Cancel);
        Assert.Contains(child.History, e => e.ExecutionTerminated is not null);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, (await _client.GetWorkflowStateAsync(id, cancellation: Cancel)).RuntimeStatus);

        Assert.True(await _client.PurgeInstanceAsync(id, Cancel));
        Assert.Empty(Workflows.StateKeys(id));
        Assert.Empty(Workflows.StateKeys("tree-1-child"));
    }

    // pkg/runtime/wfengine/state/list/list.go (instances by their metadata keys, paged) and backends/actors
    // GetInstanceHistory (the stored history; NotFound for an unknown instance).
    [Fact]
    public async Task Instances_are_listed_in_pages_and_their_history_read()
    {
        foreach (var i in Enumerable.Range(0, 5))
        {
            await _client.ScheduleNewWorkflowAsync(nameof(GreetingWorkflow), $"list-{i}", "x");
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await _client.ListInstanceIdsAsync(token, 2, Cancel);
            Assert.True(page.InstanceIds.Count <= 2);
            seen.AddRange(page.InstanceIds);
            token = page.ContinuationToken;
        }
        while (token is not null);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"list-{i}"), seen);

        await _client.WaitForWorkflowCompletionAsync("list-0", cancellation: Cancel);
        var history = await _client.GetInstanceHistoryAsync("list-0", Cancel);
        Assert.Equal(Workflows.Get("list-0")!.History.Count, history.Count);
        var missing = await Assert.ThrowsAsync<RpcException>(() => _client.GetInstanceHistoryAsync("nobody", Cancel));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    // Malformed requests are InvalidArgument (pkg/runtime/wfengine/backends/actors/actors.go: rerun source required).
    [Fact]
    public async Task Malformed_requests_are_InvalidArgument()
    {
        using var channel = GrpcChannel.ForAddress(_app.Sidecar.GrpcEndpoint);
        var raw = new TaskHubSidecarService.TaskHubSidecarServiceClient(channel);

        var noId = await Assert.ThrowsAsync<RpcException>(async () => await raw.StartInstanceAsync(new CreateInstanceRequest { Name = nameof(GreetingWorkflow) }, cancellationToken: Cancel));
        var noName = await Assert.ThrowsAsync<RpcException>(async () => await raw.StartInstanceAsync(new CreateInstanceRequest { InstanceId = "x" }, cancellationToken: Cancel));
        var badId = await Assert.ThrowsAsync<RpcException>(async () => await raw.GetInstanceAsync(new GetInstanceRequest { InstanceId = "a||b" }, cancellationToken: Cancel));
        var noEvent = await Assert.ThrowsAsync<RpcException>(async () => await raw.RaiseEventAsync(new RaiseEventRequest { InstanceId = "x" }, cancellationToken: Cancel));
        var rerun = await Assert.ThrowsAsync<RpcException>(async () => await raw.RerunWorkflowFromEventAsync(new RerunWorkflowFromEventRequest(), cancellationToken: Cancel));

        Assert.All([noId, noName, badId, noEvent, rerun], e => Assert.Equal(StatusCode.InvalidArgument, e.StatusCode));
        Assert.Equal("rerun workflow source instance ID is required", rerun.Status.Detail);
    }

    // backends/actors/actors.go RerunWorkflowFromEvent and orchestrator/fork: a new instance with the source's history
    // before the chosen TaskScheduled event, which runs the activity again from there.
    [Fact]
    public async Task Rerun_from_an_event_forks_a_new_instance_that_runs_again_from_there()
    {
        var id = await _client.ScheduleNewWorkflowAsync(nameof(GreetingWorkflow), "rerun-src", "first");
        await _client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel);
        var scheduled = Workflows.Get(id)!.History.Single(e => e.TaskScheduled is not null);

        var rerun = await _client.RerunWorkflowFromEventAsync(id, (uint)scheduled.EventId, new RerunWorkflowFromEventOptions { NewInstanceId = "rerun-new", OverwriteInput = true, Input = "second" }, Cancel);
        Assert.Equal("rerun-new", rerun);
        var state = await _client.WaitForWorkflowCompletionAsync(rerun, cancellation: Cancel);
        Assert.Equal("Hello, second!", state.ReadOutputAs<string>());
        Assert.Equal("Hello, first!", (await _client.GetWorkflowStateAsync(id, cancellation: Cancel)).ReadOutputAs<string>());

        var same = await Assert.ThrowsAsync<RpcException>(() => _client.RerunWorkflowFromEventAsync(id, (uint)scheduled.EventId, new RerunWorkflowFromEventOptions { NewInstanceId = id }, Cancel));
        Assert.Equal("rerun workflow instance ID must be different from the original instance ID", same.Status.Detail);
    }
}
