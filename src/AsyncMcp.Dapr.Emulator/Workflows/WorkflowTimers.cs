namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// The durable timers and delayed starts of the emulated cluster. daprd keeps them as reminders in its scheduler,
/// which outlives any app replica; here they live in the emulator, which outlives every sidecar, so a timer set before
/// an app restart still fires after it.
/// </summary>
internal sealed class WorkflowTimers(TimeProvider time, CancellationToken stopping)
{
    public void Schedule(DateTimeOffset due, Func<Task> fire) => _ = RunAsync(due, fire);

    private async Task RunAsync(DateTimeOffset due, Func<Task> fire)
    {
        try
        {
            // A timer can wake a little before the wall clock reaches its due time (timer ticks are coarser than the
            // clock), and a timer must never fire before its FireAt: wait again for what is left.
            for (var delay = due - time.GetUtcNow(); delay > TimeSpan.Zero; delay = due - time.GetUtcNow())
            {
                await Task.Delay(delay < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : delay, time, stopping).ConfigureAwait(false);
            }

            await fire().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
