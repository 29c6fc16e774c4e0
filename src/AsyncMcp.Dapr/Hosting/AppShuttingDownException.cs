using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// A new request refused because the app is draining on its way down. Its own type, so that a component forwarding the
/// request (the proxy) answers <see cref="McpWireErrorCodes.ShuttingDown"/> rather than an outage.
/// </summary>
internal sealed class AppShuttingDownException(string message) : InvalidOperationException(message);
