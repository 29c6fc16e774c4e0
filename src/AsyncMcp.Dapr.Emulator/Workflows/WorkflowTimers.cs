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
            var delay = due - time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, stopping).ConfigureAwait(false);
            }

            await fire().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
