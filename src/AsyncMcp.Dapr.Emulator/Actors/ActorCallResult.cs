namespace AsyncMcp.Dapr.Emulator.Actors;

/// <summary>What the app answered to an actor call: its status, headers and body, passed back to the caller as daprd does.</summary>
internal sealed record ActorCallResult(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, string? ContentType);
