using Dapr.Workflow;

namespace AsyncMcp.Dapr.Emulator.Tests.Workflows;

/// <summary>
/// The workflow engine driven by the real Dapr.Workflow 1.19 SDK: an app with AddDaprWorkflow and its
/// DaprWorkflowClient. Each test names the daprd or durabletask-go source whose behaviour it checks.
/// </summary>
public sealed class WorkflowBasicsTests : IAsyncLifetime
{
    private readonly WorkflowHarness _harness = new();
    private DaprWorkflowClient _client = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _client = WorkflowHarness.Client(await _harness.StartReplicaAsync());

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
    }
}
