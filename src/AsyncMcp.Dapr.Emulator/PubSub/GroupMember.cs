using AsyncMcp.Dapr.Emulator.Components;

namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>A sidecar in a consumer group, with its subscription and the app path it delivers to.</summary>
internal sealed record GroupMember(DaprSidecar Sidecar, SubscriptionSpec Subscription, string Path);
