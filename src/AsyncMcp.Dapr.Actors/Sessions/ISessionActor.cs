using Dapr.Actors;

namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>
/// The Dapr actor of one MCP session, keyed by session id. Replicas call it with the non-remoting (JSON) actor
/// protocol; the method names are part of the contract between replicas of one deployment.
/// </summary>
public interface ISessionActor : IActor
{
    /// <summary>Opens the session with its <c>initialize</c> request.</summary>
    /// <param name="delivery">The <c>initialize</c> message and its routing attributes.</param>
    /// <returns>What became of the message.</returns>
    Task<SessionOutcome> OpenAsync(SessionDelivery delivery);

    /// <summary>Records one message of the session durably, then hands it to the session's server.</summary>
    /// <param name="delivery">The message and its routing attributes.</param>
    /// <returns>What became of the message.</returns>
    Task<SessionOutcome> DeliverAsync(SessionDelivery delivery);

    /// <summary>Ends the session at its client's request.</summary>
    /// <param name="delivery">The close event (no message).</param>
    /// <returns>What became of the request.</returns>
    Task<SessionOutcome> CloseAsync(SessionDelivery delivery);

    /// <summary>
    /// Marks requests as answered, once their responses are published, and saves every answer the actor's server gave
    /// since its last save. The drain of a replica that stops calls it with no ids; it also serves replicas of earlier
    /// versions, which name the ids.
    /// </summary>
    /// <param name="requestIds">The JSON-RPC ids, as JSON text.</param>
    /// <returns>A task that completes when the state is saved.</returns>
    Task CompleteAsync(string[] requestIds);
}
