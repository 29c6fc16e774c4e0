namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>The meaning of the app's answer to one delivery, and why.</summary>
internal readonly record struct AppResponse(AppResponseKind Kind, string Reason);
