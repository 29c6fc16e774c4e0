using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.Hosting;

/// <summary>Options of the endpoint where an MCP client receives its replies by signed webhook.</summary>
public sealed class DaprWebhookReceiverOptions
{
    /// <summary>The HTTP route of the endpoint. Default: <c>/mcp/webhooks/replies</c>.</summary>
    public string Route { get; set; } = "/mcp/webhooks/replies";

    /// <summary>The Standard Webhooks secrets (<c>whsec_…</c>, separated by spaces) that the server signs with; a
    /// delivery signed by any of them is accepted (rotation). Takes precedence over <see cref="SecretStore"/>.</summary>
    public string? Secrets { get; set; }

    /// <summary>A Dapr secret store holding the secrets, as secret <see cref="SecretName"/>. Default: none.</summary>
    public string? SecretStore { get; set; }

    /// <summary>The secret's name in <see cref="SecretStore"/>. Default: <c>mcp-webhook-secret</c>.</summary>
    public string SecretName { get; set; } = "mcp-webhook-secret";

    /// <summary>How far a delivery's <c>webhook-timestamp</c> may be from this machine's clock. Default: 5 minutes.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many recent deliveries are remembered to refuse replays. Default: 100,000.</summary>
    public int ReplayCacheCapacity { get; set; } = 100_000;

    /// <summary>The largest body accepted, in bytes. Default: <see cref="WireLimits.DefaultMaxMessageBytes"/>.</summary>
    public int MaxMessageBytes { get; set; } = WireLimits.DefaultMaxMessageBytes;

    /// <summary>How long secrets read from <see cref="SecretStore"/> are cached. Default: 1 minute.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
