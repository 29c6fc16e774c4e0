using System.Collections.Concurrent;
using System.Diagnostics;
using Dapr.Workflow;

namespace AsyncMcp.Dapr.WorkflowBenchmarks;

/// <summary>
/// A long-running workflow: handles "step" events one at a time, each through the Mark activity, then sets its custom
/// status to the step's number; every 50 steps it continues as new, keeping the events not handled yet.
/// </summary>
internal sealed class BenchWorkflow : Workflow<int, int>
{
    public const int StepsPerExecution = 50;

    public override async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var handled = input;

        // A new execution starts without a custom status (the last turn's status wins), so it states where it is.
        context.SetCustomStatus(handled);
        for (var i = 0; i < StepsPerExecution; i++)
        {
            var step = await context.WaitForExternalEventAsync<int>("step");
            await context.CallActivityAsync<int>(nameof(MarkActivity), new Mark(context.InstanceId, step));
            handled++;
            context.SetCustomStatus(step);
        }

        context.ContinueAsNew(handled, preserveUnprocessedEvents: true);
        return handled;
    }
}

internal sealed record Mark(string Instance, int Step);

/// <summary>Notes when each step's activity started.</summary>
internal sealed class MarkActivity(ActivityStarts starts) : WorkflowActivity<Mark, int>
{
    public override Task<int> RunAsync(WorkflowActivityContext context, Mark input)
    {
        starts.Started(input.Instance, input.Step);
        return Task.FromResult(input.Step);
    }
}

/// <summary>The moments activities started, by instance and step, as Stopwatch timestamps.</summary>
internal sealed class ActivityStarts
{
    private readonly ConcurrentDictionary<(string, int), TaskCompletionSource<long>> _starts = new();

    public void Started(string instance, int step) => Of(instance, step).TrySetResult(Stopwatch.GetTimestamp());

    public Task<long> WhenStarted(string instance, int step) => Of(instance, step).Task;

    private TaskCompletionSource<long> Of(string instance, int step) =>
        _starts.GetOrAdd((instance, step), _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
}
