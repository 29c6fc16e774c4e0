namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// Options of an MCP server that delivers replies by webhook through Dapr HTTP output bindings
/// (<c>binding://{binding}/{path}</c> reply addresses; see <c>docs/webhooks.md</c>).
/// </summary>
public sealed class DaprWebhookReplyOptions
{
    /// <summary>
    /// The bindings clients may name. A binding must also be declared as a <c>bindings.http</c> component in this
    /// server's sidecar (read from the sidecar's metadata API) and have a signing secret. Empty (the default): every
    /// <c>bindings.http</c> component the sidecar declares; restrict them with component <c>scopes</c>, or list them here
    /// when the server's sidecar has HTTP bindings that are not meant for replies.
    /// </summary>
    public IList<string> AllowedBindings { get; } = [];

    /// <summary>
    /// Signing secrets per binding name, from configuration: one or more Standard Webhooks secrets
    /// (<c>whsec_…</c>) separated by spaces; every one signs each delivery (rotation). Takes precedence over
    /// <see cref="SecretStore"/>.
    /// </summary>
    public IDictionary<string, string> Secrets { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A Dapr secret store to read signing secrets from, as secret <c>{SecretNamePrefix}{binding}</c>. Default: none.</summary>
    public string? SecretStore { get; set; }

    /// <summary>The prefix of secret names in <see cref="SecretStore"/>. Default: <c>mcp-webhook-</c>.</summary>
    public string SecretNamePrefix { get; set; } = "mcp-webhook-";

    /// <summary>How long a message is retried, with backoff, before its session is ended as undeliverable. Default: 2 minutes.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The wait before the first retry; each further retry waits twice as long, up to <see cref="MaxRetryDelay"/>. Default: 250 ms.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between two attempts. Default: 15 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one delivery attempt may take before it counts as failed. Default: 30 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many messages of one session may wait for delivery; a full queue makes the session wait. Default: 1,000.</summary>
    public int MaxQueuedMessagesPerSession { get; set; } = 1_000;

    /// <summary>How long the list of declared bindings and the secrets are cached. Default: 1 minute.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
