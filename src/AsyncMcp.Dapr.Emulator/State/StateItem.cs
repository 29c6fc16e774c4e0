namespace AsyncMcp.Dapr.Emulator.State;

/// <summary>A stored value with its ETag.</summary>
internal sealed record StateItem(byte[] Value, string ETag);
