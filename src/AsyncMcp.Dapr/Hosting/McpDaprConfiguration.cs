namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// The configuration sections the library's options are conventionally bound from (for example in
/// <c>appsettings.json</c>, or as <c>Mcp__PubSub__Topic</c> in the environment). Pass one to the overloads of the
/// <c>With…</c>/<c>Add…</c> methods that take a section path.
/// </summary>
public static class McpDaprConfiguration
{
    /// <summary><see cref="DaprPubSubServerOptions"/> and <see cref="DaprPubSubClientOptions"/>: <c>Mcp:PubSub</c>.</summary>
    public const string PubSubSection = "Mcp:PubSub";

    /// <summary><see cref="DaprWebhookReplyOptions"/> and <see cref="DaprWebhookReceiverOptions"/>: <c>Mcp:Webhooks</c>.</summary>
    public const string WebhooksSection = "Mcp:Webhooks";

    /// <summary>The options of a durable session host (<c>WithActorSessions()</c>, <c>WithWorkflowSessions()</c>): <c>Mcp:Sessions</c>.</summary>
    public const string SessionsSection = "Mcp:Sessions";
}
