namespace AsyncMcp.Dapr.Emulator.State;

/// <summary>One write to a state store: an upsert (Value set) or a delete (Value null), with optional ETag and concurrency.</summary>
internal sealed record StateOperation(string Key, byte[]? Value, string? ETag, bool FirstWrite)
{
    /// <summary>Whether this deletes the key.</summary>
    public bool IsDelete => Value is null;
}
