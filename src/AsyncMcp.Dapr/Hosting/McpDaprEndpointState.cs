namespace AsyncMcp.Dapr.Hosting;

/// <summary>What the app has mapped already, so that endpoints several <c>Map…</c> calls need are mapped once.</summary>
internal sealed class McpDaprEndpointState
{
    private int _actorsMapped;

    /// <summary>Marks the Dapr actor endpoints as mapped; <see langword="false"/> when they were already.</summary>
    public bool TryMarkActorsMapped() => Interlocked.Exchange(ref _actorsMapped, 1) == 0;
}
