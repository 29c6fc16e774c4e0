namespace AsyncMcp.Dapr.Emulator.State;

/// <summary>An ETag check failed (components-contrib state.ETagError of kind mismatch).</summary>
internal sealed class StateETagException : Exception
{
    public StateETagException()
    {
    }

    public StateETagException(string message)
        : base(message)
    {
    }

    public StateETagException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
