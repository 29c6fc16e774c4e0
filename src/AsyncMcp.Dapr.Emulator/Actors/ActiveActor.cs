namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>
/// An actor activated on one host (dapr/dapr pkg/actors/internal/placement and pkg/actors/targets/app: one lock per
/// actor id, so calls take turns; the time of the last call drives idle deactivation; timers live and die with it).
/// </summary>
internal sealed class ActiveActor(string actorType, string actorId, DateTimeOffset now)
{
    private int _pending;

    public string ActorType { get; } = actorType;

    public string ActorId { get; } = actorId;

    /// <summary>One call at a time.</summary>
    public SemaphoreSlim Turn { get; } = new(1, 1);

    /// <summary>The reentrancy id of the call that holds the turn, when reentrancy is on.</summary>
    public string? TurnReentrancyId { get; set; }

    public DateTimeOffset LastUsed { get; set; } = now;

    /// <summary>Set once the actor was deactivated; a caller that still holds this object looks it up again.</summary>
    public bool Deactivated { get; set; }

    /// <summary>The actor's timers by name (not durable: gone when the actor deactivates).</summary>
    public Dictionary<string, CancellationTokenSource> Timers { get; } = new(StringComparer.Ordinal);

    /// <summary>Calls waiting for or holding the turn.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public void Enter() => Interlocked.Increment(ref _pending);

    public void Leave() => Interlocked.Decrement(ref _pending);
}
