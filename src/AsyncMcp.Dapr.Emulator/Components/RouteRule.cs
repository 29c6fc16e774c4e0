namespace AsyncMcp.Dapr.Emulator.Components;

/// <summary>One routing rule of a subscription: a CEL match expression and the app path.</summary>
internal sealed record RouteRule(string Match, string Path);
