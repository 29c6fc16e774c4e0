using Dapr.DurableTask.Protobuf;
using Dapr.Workflow;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using StringValue = Google.Protobuf.WellKnownTypes.StringValue;

namespace AsyncMcp.Dapr.Emulator.Tests.Workflows;

/// <summary>
/// The workflow engine driven by the real Dapr.Workflow 1.19 SDK: an app with AddDaprWorkflow and its
/// DaprWorkflowClient. Each test names the daprd or durabletask-go source whose behaviour it checks.
/// </summary>
public sealed class WorkflowBasicsTests : IAsyncLifetime
{
    private readonly WorkflowHarness _harness = new();
    private EmulatedApp _app = null!;
    private DaprWorkflowClient _client = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await _harness.StartReplicaAsync();
        _client = WorkflowHarness.Client(_app);
    }

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    // durabletask-go backend/executor.go StartInstance (waits for the start), runtimestate/applier.go (ScheduleTask → TaskScheduled).
    [Fact]
    public async Task A_workflow_calls_its_activity_and_completes_with_its_output()
    {
        var id = await _client.ScheduleNewWorkflowAsync(nameof(GreetingWorkflow), "greet-1", "Dapr");
        var state = await _client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("Hello, Dapr!", state.ReadOutputAs<string>());
        Assert.Equal(nameof(GreetingWorkflow), state.WorkflowName);
        var history = _harness.Emulator.WorkflowsOf(WorkflowHarness.AppId).Get(id)!.History;
        Assert.Equal(
            [
                HistoryEvent.EventTypeOneofCase.WorkflowStarted, HistoryEvent.EventTypeOneofCase.ExecutionStarted, HistoryEvent.EventTypeOneofCase.TaskScheduled,
                HistoryEvent.EventTypeOneofCase.WorkflowStarted, HistoryEvent.EventTypeOneofCase.TaskCompleted, HistoryEvent.EventTypeOneofCase.ExecutionCompleted,
            ],
            history.Select(e => e.EventTypeCase));
        Assert.Equal(history[2].EventId, history[4].TaskCompleted.TaskScheduledId);
        Assert.Equal(history[2].TaskScheduled.TaskExecutionId, history[4].TaskCompleted.TaskExecutionId);
        Assert.False(string.IsNullOrEmpty(history[2].TaskScheduled.TaskExecutionId));
    }

    // pkg/actors/targets/workflow/orchestrator/add.go: a raised event is saved in the inbox and handed over at the next
    // turn, so events that arrive before the workflow waits for them are kept, in order.
    [Fact]
    public async Task Events_raised_before_the_workflow_waits_for_them_are_kept_in_order()
    {
        var id = await _client.ScheduleNewWorkflowAsync(nameof(StepsWorkflow), "steps-1", 3);
        await _client.RaiseEventAsync(id, "step", "a", Cancel);
        await _client.RaiseEventAsync(id, "step", "b", Cancel);
        await _client.RaiseEventAsync(id, "step", "c", Cancel);
        var state = await _client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel);

        Assert.Equal(["a", "b", "c"], state.ReadOutputAs<List<string>>());
        Assert.Equal("handled:3", state.ReadCustomStatusAs<string>());
    }

    // durabletask-go backend/runtimestate/applier.go Actions: each turn overwrites the custom status; GetInstance reads it.
    [Fact]
    public async Task Each_turn_overwrites_the_custom_status()
    {
        var id = await _client.ScheduleNewWorkflowAsync(nameof(StepsWorkflow), "steps-2", 2);
        await _client.RaiseEventAsync(id, "step", "a", Cancel);
        var workflows = _harness.Emulator.WorkflowsOf(WorkflowHarness.AppId);
        await workflows.WaitAsync(id, s => s.CustomStatus == "\"handled:1\"", Cancel);
        Assert.Equal("handled:1", (await _client.GetWorkflowStateAsync(id, cancellation: Cancel)).ReadCustomStatusAs<string>());

        await _client.RaiseEventAsync(id, "step", "b", Cancel);
        var done = await _client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel);
        Assert.Equal("handled:2", done.ReadCustomStatusAs<string>());
    }

    // runtimestate/applier.go CreateTimer → TimerCreated, and a TimerFired for the timer's id at its fire time
    // (pkg/actors/targets/workflow/orchestrator: "timer-" reminders).
    [Fact]
    public async Task A_durable_timer_fires_into_the_history()
    {
        var id = await _client.ScheduleNewWorkflowAsync(nameof(TimerWorkflow), "timer-1", 200);
        var state = await _client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel);

        Assert.Equal("fired", state.ReadOutputAs<string>());
        var history = _harness.Emulator.WorkflowsOf(WorkflowHarness.AppId).Get(id)!.History;
        var created = Assert.Single(history, e => e.TimerCreated is not null);
        var fired = Assert.Single(history, e => e.TimerFired is not null);
        Assert.Equal(created.EventId, fired.TimerFired.TimerId);
        Assert.Equal(created.TimerCreated.FireAt, fired.TimerFired.FireAt);
        Assert.True(fired.Timestamp.ToDateTimeOffset() >= created.TimerCreated.FireAt.ToDateTimeOffset());
    }

    // backend/executor.go TerminateInstance: ExecutionTerminated is added, then the call waits for the completion.
    [Fact]
    public async Task Terminate_completes_a_running_workflow_as_terminated()
    {
        var id = await _client.ScheduleNewWorkflowAsync(nameof(WaitingWorkflow), "wait-1", "x");
        await _client.TerminateWorkflowAsync(id, "stop", Cancel);

        var state = await _client.GetWorkflowStateAsync(id, cancellation: Cancel);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, state.RuntimeStatus);
        Assert.Contains(_harness.Emulator.WorkflowsOf(WorkflowHarness.AppId).Get(id)!.History, e => e.ExecutionTerminated is not null);
    }

    // pkg/actors/targets/workflow/orchestrator/create.go: a second start of a running instance is AlreadyExists; a
    // completed one is re-created (history reset, generation raised).
    [Fact]
    public async Task Starting_a_running_instance_again_is_AlreadyExists_and_a_completed_one_is_recreated()
    {
        var id = await _client.ScheduleNewWorkflowAsync(nameof(WaitingWorkflow), "dup-1", "x");
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ScheduleNewWorkflowAsync(nameof(WaitingWorkflow), id, "y"));
        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal("an active workflow with ID 'dup-1' already exists", error.Status.Detail);

        await _client.RaiseEventAsync(id, "go", "first", Cancel);
        Assert.Equal("first", (await _client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel)).ReadOutputAs<string>());
        await _client.ScheduleNewWorkflowAsync(nameof(WaitingWorkflow), id, "y");
        await _client.RaiseEventAsync(id, "go", "second", Cancel);
        Assert.Equal("second", (await _client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel)).ReadOutputAs<string>());
        var snapshot = _harness.Emulator.WorkflowsOf(WorkflowHarness.AppId).Get(id)!;
        Assert.Equal(2UL, snapshot.Generation);
        Assert.Single(snapshot.History, e => e.ExecutionStarted is not null);
    }

    // backend/executor.go GetInstance: an unknown instance is Exists = false, which the SDK turns into a state that does not exist.
    [Fact]
    public async Task An_unknown_instance_does_not_exist()
    {
        var state = await _client.GetWorkflowStateAsync("nobody", cancellation: Cancel);
        Assert.False(state.Exists);
        var raise = await Assert.ThrowsAsync<RpcException>(() => _client.RaiseEventAsync("nobody", "step", "a", Cancel));
        Assert.Equal("no such instance exists", raise.Status.Detail);
    }

    // pkg/runtime/wfengine/state/state.go: inbox-NNNNNN, history-NNNNNN, customStatus and metadata under the workflow
    // actor's key prefix; a turn empties the inbox rows. orchestrator/state.go purge deletes every key. GetSaveRequest
    // stores each row as protobuf bytes (proto.Marshal of the durabletask-protobuf HistoryEvent, a wrapperspb.StringValue
    // for the custom status), not JSON: what a benchmark weighs in this store is what daprd would keep.
    [Fact]
    public async Task State_is_kept_under_daprds_keys_and_purge_deletes_it()
    {
        var id = await _client.ScheduleNewWorkflowAsync(nameof(GreetingWorkflow), "keys-1", "k");
        await _client.WaitForWorkflowCompletionAsync(id, cancellation: Cancel);

        var workflows = _harness.Emulator.WorkflowsOf(WorkflowHarness.AppId);
        const string prefix = "wf-app||dapr.internal.default.wf-app.workflow||keys-1||";
        Assert.Equal(
            [
                prefix + "customStatus",
                .. Enumerable.Range(0, 6).Select(i => prefix + $"history-{i:D6}"),
                prefix + "metadata",
            ],
            workflows.StateKeys(id));
        var metadata = BackendWorkflowStateMetadata.Parser.ParseFrom(_harness.Emulator.StateStore("actorstore")!.Get(prefix + "metadata")!.Value);
        Assert.Equal((0UL, 6UL, 1UL), (metadata.InboxLength, metadata.HistoryLength, metadata.Generation));
        var store = _harness.Emulator.StateStore("actorstore")!;
        var rows = Enumerable.Range(0, 6).Select(i => store.Get(prefix + $"history-{i:D6}")!.Value).ToList();
        Assert.All(rows, row => Assert.Equal(row, HistoryEvent.Parser.ParseFrom(row).ToByteArray()));
        Assert.Equal("\"k\"", HistoryEvent.Parser.ParseFrom(rows.Single(r => HistoryEvent.Parser.ParseFrom(r).ExecutionStarted is not null)).ExecutionStarted.Input);
        var customStatus = store.Get(prefix + "customStatus")!.Value;
        Assert.Equal(customStatus, StringValue.Parser.ParseFrom(customStatus).ToByteArray());
        Assert.Contains(id, workflows.InstanceIds());

        Assert.True(await _client.PurgeInstanceAsync(id, Cancel));
        Assert.Empty(workflows.StateKeys(id));
        Assert.False((await _client.GetWorkflowStateAsync(id, cancellation: Cancel)).Exists);
    }

    // orchestrator/state.go purgeWorkflowState: a running instance is not purged (ErrNotCompleted).
    [Fact]
    public async Task Purging_a_running_instance_fails_and_keeps_it()
    {
        var id = await _client.ScheduleNewWorkflowAsync(nameof(WaitingWorkflow), "purge-running", "x");
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.PurgeInstanceAsync(id, Cancel));
        Assert.Equal("failed to purge workflow state: orchestration has not yet completed", error.Status.Detail);
        Assert.Equal(WorkflowRuntimeStatus.Running, (await _client.GetWorkflowStateAsync(id, cancellation: Cancel)).RuntimeStatus);
    }

    // backend/executor.go executeWorkflowAsync/executeActivityAsync: a completion must echo the work item's token.
    [Fact]
    public async Task A_completion_with_an_unknown_token_is_refused()
    {
        using var channel = GrpcChannel.ForAddress(_app.Sidecar.GrpcEndpoint);
        var raw = new TaskHubSidecarService.TaskHubSidecarServiceClient(channel);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await raw.CompleteActivityTaskAsync(new ActivityResponse { InstanceId = "x", TaskId = 1, CompletionToken = "made-up" }, cancellationToken: Cancel));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}
