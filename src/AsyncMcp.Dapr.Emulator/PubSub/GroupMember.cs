using AsyncMcp.Dapr.Emulator.Components;

namespace AsyncMcp.Dapr.Emulator.PubSub;

/// <summary>
/// A sidecar in a consumer group, with its subscription and where it delivers: the app path over the app channel, or
/// the app's streaming subscription when <paramref name="Stream"/> is set.
/// </summary>
internal sealed record GroupMember(DaprSidecar Sidecar, SubscriptionSpec Subscription, string Path, StreamSubscriber? Stream = null)
{
    /// <summary>Whether messages may go to this member: its sidecar runs and, for a stream, the stream is open.</summary>
    public bool IsLive => !Sidecar.IsStopped && Stream is not { IsClosed: true };
}
