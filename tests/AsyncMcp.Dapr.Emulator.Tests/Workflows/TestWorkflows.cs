using System.Collections.Concurrent;
using Dapr.Workflow;

namespace AsyncMcp.Dapr.Emulator.Tests.Workflows;

/// <summary>What the test activities did, shared by every replica in the test process.</summary>
public sealed class ActivityLedger
{
    /// <summary>(instance, item) → how many times an activity ran for it.</summary>
    public ConcurrentDictionary<(string Instance, string Item), int> Runs { get; } = new();

    /// <summary>Which replica ran each activity call, in order.</summary>
    public ConcurrentQueue<(string Replica, string Instance, string Item)> Calls { get; } = new();

    private TaskCompletionSource? _activityGate;
    private TaskCompletionSource? _turnGate;
    private string? _heldInstance;

    /// <summary>Completes with the replica's name when the next Record activity waits on the gate set by <see cref="HoldNextActivity"/>.</summary>
    public TaskCompletionSource<string> ActivityHeld { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the replica's name when a worker holds back the turn completion chosen by <see cref="HoldNextTurn"/>.</summary>
    public TaskCompletionSource<string> TurnHeld { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Makes the next Record activity (only that one) wait until the returned gate is completed.</summary>
    public TaskCompletionSource HoldNextActivity() => _activityGate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Makes the worker that completes the next turn of <paramref name="instanceId"/> hold its CompleteOrchestratorTask
    /// call until the returned gate is completed (a turn stuck in the worker).
    /// </summary>
    public TaskCompletionSource HoldNextTurn(string instanceId)
    {
        _heldInstance = instanceId;
        return _turnGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    internal TaskCompletionSource? TakeActivityGate() => Interlocked.Exchange(ref _activityGate, null);

    internal TaskCompletionSource? TakeTurnGate(string instanceId) => instanceId == _heldInstance ? Interlocked.Exchange(ref _turnGate, null) : null;
}

/// <summary>Calls the Greet activity and returns its result.</summary>
public sealed class GreetingWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) => context.CallActivityAsync<string>(nameof(GreetActivity), input);
}

public sealed class GreetActivity : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input) => Task.FromResult("Hello, " + input + "!");
}

/// <summary>
/// Handles <c>input</c> "step" events one at a time: each goes to the Record activity, then the custom status says how
/// many were handled. Returns the items in the order handled.
/// </summary>
public sealed class StepsWorkflow : Workflow<int, List<string>>
{
    public override async Task<List<string>> RunAsync(WorkflowContext context, int input)
    {
        var handled = new List<string>();
        for (var i = 0; i < input; i++)
        {
            var item = await context.WaitForExternalEventAsync<string>("step");
            handled.Add(await context.CallActivityAsync<string>(nameof(RecordActivity), new RecordInput(context.InstanceId, item)));
            context.SetCustomStatus("handled:" + handled.Count);
        }

        return handled;
    }
}

public sealed record RecordInput(string Instance, string Item);

/// <summary>Counts each run in the <see cref="ActivityLedger"/> and echoes the item.</summary>
public sealed class RecordActivity(ActivityLedger ledger, ReplicaName replica) : WorkflowActivity<RecordInput, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, RecordInput input)
    {
        ledger.Runs.AddOrUpdate((input.Instance, input.Item), 1, (_, n) => n + 1);
        ledger.Calls.Enqueue((replica.Name, input.Instance, input.Item));
        if (ledger.TakeActivityGate() is { } gate)
        {
            ledger.ActivityHeld.TrySetResult(replica.Name);
            await gate.Task;
        }

        return input.Item;
    }
}

/// <summary>The name of the replica (app instance) a service runs in.</summary>
public sealed record ReplicaName(string Name);

/// <summary>Waits on a durable timer of <c>input</c> milliseconds, then returns "fired".</summary>
public sealed class TimerWorkflow : Workflow<int, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, int input)
    {
        context.SetCustomStatus("waiting");
        await context.CreateTimer(context.CurrentUtcDateTime.AddMilliseconds(input), CancellationToken.None);
        return "fired";
    }
}

/// <summary>Waits for an event that never comes (for terminate, suspend and purge).</summary>
public sealed class WaitingWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        context.SetCustomStatus("waiting");
        return await context.WaitForExternalEventAsync<string>("go");
    }
}

/// <summary>Runs GreetingWorkflow as a child named "{instance}-child" and returns its output.</summary>
public sealed class ParentWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) =>
        context.CallChildWorkflowAsync<string>(nameof(GreetingWorkflow), input, new ChildWorkflowTaskOptions { InstanceId = context.InstanceId + "-child" });
}

/// <summary>Runs WaitingWorkflow as a child "{instance}-child" (which waits for "go") and returns its output.</summary>
public sealed class WaitingParentWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) =>
        context.CallChildWorkflowAsync<string>(nameof(WaitingWorkflow), input, new ChildWorkflowTaskOptions { InstanceId = context.InstanceId + "-child" });
}

/// <summary>Calls a child workflow whose name no replica registered.</summary>
public sealed class MissingChildWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) => context.CallChildWorkflowAsync<string>("NoSuchWorkflow", input);
}

/// <summary>
/// Counts "inc" events, one per execution: each execution waits for one event, then continues as new with the count
/// (keeping the events not yet handled) until it reaches 3.
/// </summary>
public sealed class CounterWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, int input)
    {
        await context.WaitForExternalEventAsync<string>("inc");
        if (input + 1 < 3)
        {
            context.ContinueAsNew(input + 1, preserveUnprocessedEvents: true);
            return 0;
        }

        return input + 1;
    }
}
