namespace AsyncMcp.Dapr.Hosting;

/// <summary>Whether the app is draining (see <see cref="McpDrain"/>): the parts that take requests read it.</summary>
internal sealed class DrainState
{
    private volatile bool _draining;

    /// <summary>Whether the app is stopping: new requests are refused from now on.</summary>
    public bool IsDraining => _draining;

    /// <summary>Starts the drain.</summary>
    public void Begin() => _draining = true;
}
