using Dapr.Actors;

namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>
/// The open-session count of one server app, as a Dapr actor keyed by app-id. Replicas call it with the non-remoting
/// (JSON) actor protocol; the method names are part of the contract between replicas of one deployment.
/// </summary>
public interface ISessionCounterActor : IActor
{
    /// <summary>Takes a slot if fewer than <paramref name="cap"/> are taken.</summary>
    /// <param name="cap">The most sessions the app may have open.</param>
    /// <returns>Whether a slot was taken.</returns>
    Task<bool> TryReserveAsync(int cap);

    /// <summary>Gives a slot back.</summary>
    /// <returns>A task that completes when the count is saved.</returns>
    Task ReleaseAsync();

    /// <summary>The number of slots taken.</summary>
    /// <returns>The count.</returns>
    Task<int> CountAsync();
}
