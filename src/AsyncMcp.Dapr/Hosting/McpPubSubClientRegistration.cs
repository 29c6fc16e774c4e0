namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// One registered pub/sub client: the name of its <see cref="DaprPubSubClientOptions"/> (empty for the default client,
/// the service key for a client of one server), so that <c>MapMcpPubSubReplies()</c> maps the reply route of each.
/// </summary>
internal sealed record McpPubSubClientRegistration(string OptionsName);
