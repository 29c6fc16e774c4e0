using YamlDotNet.RepresentationModel;

namespace AsyncMcp.Dapr.Emulator.Components;

/// <summary>
/// Reads a Dapr resources folder as daprd's --resources-path does: every *.yaml / *.yml file, every document in it,
/// kind Component (dapr.io/v1alpha1) and kind Subscription (dapr.io/v1alpha1 and v2alpha1). Other kinds
/// (Configuration, Resiliency, ...) are skipped.
/// </summary>
internal static class ResourceLoader
{
    /// <summary>Loads the components and subscriptions of every YAML file under <paramref name="path"/>.</summary>
    public static (List<ComponentSpec> Components, List<SubscriptionSpec> Subscriptions) Load(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"Dapr resources folder '{path}' does not exist.");
        }

        var components = new List<ComponentSpec>();
        var subscriptions = new List<SubscriptionSpec>();
        var files = Directory.EnumerateFiles(path, "*.*", SearchOption.TopDirectoryOnly)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }

            foreach (var document in stream.Documents)
            {
                if (document.RootNode is not YamlMappingNode root)
                {
                    continue;
                }

                switch (Scalar(root, "kind"))
                {
                    case "Component":
                        components.Add(ReadComponent(root, file));
                        break;
                    case "Subscription":
                        subscriptions.Add(ReadSubscription(root, file));
                        break;
                }
            }
        }

        return (components, subscriptions);
    }

    private static ComponentSpec ReadComponent(YamlMappingNode root, string file)
    {
        var name = Scalar(Mapping(root, "metadata"), "name")
            ?? throw new InvalidDataException($"A Component in {file} has no metadata.name.");
        var spec = Mapping(root, "spec");
        var type = Scalar(spec, "type")
            ?? throw new InvalidDataException($"Component '{name}' in {file} has no spec.type.");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (spec is not null && spec.Children.TryGetValue(new YamlScalarNode("metadata"), out var list) && list is YamlSequenceNode items)
        {
            foreach (var item in items.OfType<YamlMappingNode>())
            {
                var key = Scalar(item, "name");
                if (key is null)
                {
                    continue;
                }

                // Secrets are not resolved: a secretKeyRef keeps the name of the secret key.
                metadata[key] = Scalar(item, "value") ?? Scalar(Mapping(item, "secretKeyRef"), "key") ?? string.Empty;
            }
        }

        return new ComponentSpec(name, type, metadata, Sequence(root, "scopes"), file);
    }

    private static SubscriptionSpec ReadSubscription(YamlMappingNode root, string file)
    {
        var name = Scalar(Mapping(root, "metadata"), "name") ?? "(unnamed)";
        var spec = Mapping(root, "spec") ?? throw new InvalidDataException($"Subscription '{name}' in {file} has no spec.");
        var pubsub = Scalar(spec, "pubsubname") ?? throw new InvalidDataException($"Subscription '{name}' in {file} has no spec.pubsubname.");
        var topic = Scalar(spec, "topic") ?? throw new InvalidDataException($"Subscription '{name}' in {file} has no spec.topic.");
        var rules = new List<RouteRule>();
        string? defaultRoute = null;
        var routes = Mapping(spec, "routes");
        if (routes is not null)
        {
            defaultRoute = Scalar(routes, "default");
            if (routes.Children.TryGetValue(new YamlScalarNode("rules"), out var ruleNodes) && ruleNodes is YamlSequenceNode sequence)
            {
                foreach (var rule in sequence.OfType<YamlMappingNode>())
                {
                    rules.Add(new RouteRule(Scalar(rule, "match") ?? string.Empty, Scalar(rule, "path") ?? string.Empty));
                }
            }
        }
        else
        {
            // dapr.io/v1alpha1: spec.route.
            defaultRoute = Scalar(spec, "route");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var metadataNode = Mapping(spec, "metadata");
        if (metadataNode is not null)
        {
            foreach (var (key, value) in metadataNode.Children)
            {
                if (key is YamlScalarNode k && value is YamlScalarNode v && k.Value is not null)
                {
                    metadata[k.Value] = v.Value ?? string.Empty;
                }
            }
        }

        return new SubscriptionSpec(pubsub, topic, rules, defaultRoute, Scalar(spec, "deadLetterTopic"), metadata,
            Sequence(root, "scopes"), $"{file} (Subscription '{name}')");
    }

    private static YamlMappingNode? Mapping(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlMappingNode : null;

    private static string? Scalar(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlScalarNode scalar
            ? scalar.Value
            : null;

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode sequence
            ? sequence.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).Where(s => s.Length > 0).ToList()
            : [];
}
