using Dapr.Actors.Runtime;

namespace AsyncMcp.Dapr.Emulator.Tests.Actors;

/// <summary>A Dapr.Actors actor that records what happens to it in its app's <see cref="ActorProbe"/>.</summary>
public sealed class TestActor(ActorHost host, ActorProbe probe) : Actor(host), ITestActor, IRemindable
{
    public Task<string> WhereAsync() => Task.FromResult(probe.Instance);

    public async Task<string> SlowAsync(int milliseconds)
    {
        using (probe.Running())
        {
            await Task.Delay(milliseconds);
        }

        return probe.Instance;
    }

    public Task SetAsync(string value) => StateManager.SetStateAsync("value", value);

    public async Task<string?> GetAsync()
    {
        var value = await StateManager.TryGetStateAsync<string>("value");
        return value.HasValue ? value.Value : null;
    }

    public Task StartReminderAsync(string name, int periodMilliseconds) =>
        RegisterReminderAsync(name, [1, 2, 3], TimeSpan.Zero, TimeSpan.FromMilliseconds(periodMilliseconds));

    public Task StopReminderAsync(string name) => UnregisterReminderAsync(name);

    public Task StartTimerAsync(string name, int periodMilliseconds) =>
        RegisterTimerAsync(name, nameof(OnTimerAsync), [7], TimeSpan.Zero, TimeSpan.FromMilliseconds(periodMilliseconds));

    public Task OnTimerAsync(byte[] data)
    {
        probe.Events.Enqueue($"timer:{Id}:{data.Length}");
        return Task.CompletedTask;
    }

    public Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        probe.Events.Enqueue($"reminder:{Id}:{reminderName}:{string.Join(",", state)}:{probe.Instance}");
        return Task.CompletedTask;
    }

    protected override Task OnActivateAsync()
    {
        probe.Events.Enqueue($"activate:{Id}");
        return Task.CompletedTask;
    }

    protected override Task OnDeactivateAsync()
    {
        probe.Events.Enqueue($"deactivate:{Id}");
        return Task.CompletedTask;
    }
}
