namespace AsyncMcp.Dapr.Emulator.Components;

/// <summary>A subscription, declarative (YAML) or programmatic (the app's /dapr/subscribe).</summary>
internal sealed record SubscriptionSpec(
    string PubSubName,
    string Topic,
    IReadOnlyList<RouteRule> Rules,
    string? DefaultRoute,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<string> Scopes,
    string Source)
{
    /// <summary>Whether a declarative subscription applies to <paramref name="appId"/> (no scopes: every app).</summary>
    public bool AppliesTo(string appId) => Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);

    /// <summary>
    /// The app path messages go to. Rules are tried in order, the default last
    /// (dapr/dapr pkg/runtime/subscription/subscription.go findMatchingRoute). The emulator does not evaluate CEL,
    /// so a rule with a match expression is refused when the app is attached.
    /// </summary>
    public string ResolvePath()
    {
        foreach (var rule in Rules)
        {
            if (!string.IsNullOrWhiteSpace(rule.Match))
            {
                throw new NotSupportedException(
                    $"Subscription to topic '{Topic}' on pubsub '{PubSubName}' ({Source}) has a routing rule with match expression " +
                    $"'{rule.Match}': the Dapr emulator does not evaluate CEL expressions.");
            }

            if (!string.IsNullOrEmpty(rule.Path))
            {
                return Normalize(rule.Path);
            }
        }

        if (!string.IsNullOrEmpty(DefaultRoute))
        {
            return Normalize(DefaultRoute);
        }

        throw new InvalidOperationException(
            $"Subscription to topic '{Topic}' on pubsub '{PubSubName}' ({Source}) has no route.");
    }

    private static string Normalize(string path) => path.StartsWith('/') ? path : "/" + path;
}
