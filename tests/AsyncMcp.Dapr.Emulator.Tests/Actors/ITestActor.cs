using Dapr.Actors;

namespace AsyncMcp.Dapr.Emulator.Tests.Actors;

/// <summary>The actor the emulator's actor tests call through the real Dapr.Actors client.</summary>
public interface ITestActor : IActor
{
    /// <summary>Returns the name of the app instance the actor runs in.</summary>
    Task<string> WhereAsync();

    /// <summary>Waits, recording how many calls of this actor run at once.</summary>
    Task<string> SlowAsync(int milliseconds);

    Task SetAsync(string value);

    Task<string?> GetAsync();

    Task StartReminderAsync(string name, int periodMilliseconds);

    Task StopReminderAsync(string name);

    Task StartTimerAsync(string name, int periodMilliseconds);
}
