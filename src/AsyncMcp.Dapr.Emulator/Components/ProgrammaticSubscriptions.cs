using System.Text.Json;

namespace AsyncMcp.Dapr.Emulator.Components;

/// <summary>
/// Reads the app's answer to GET /dapr/subscribe: a JSON array of {pubsubname, topic, route | routes{rules[{match,path}],
/// default}, deadLetterTopic, metadata}, names matched without regard to case as Go's encoding/json does
/// (dapr/dapr pkg/runtime/pubsub/subscriptions.go; Dapr.AspNetCore MapSubscribeHandler writes "pubsubName").
/// </summary>
internal static class ProgrammaticSubscriptions
{
    public static List<SubscriptionSpec> Parse(string json, string source)
    {
        using var document = JsonDocument.Parse(json);
        var result = new List<SubscriptionSpec>();
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{source} did not answer a JSON array.");
        }

        foreach (var entry in document.RootElement.EnumerateArray())
        {
            var pubsub = Text(entry, "pubsubname") ?? string.Empty;
            var topic = Text(entry, "topic") ?? string.Empty;
            var rules = new List<RouteRule>();
            string? defaultRoute = Text(entry, "route");
            if (Property(entry, "routes") is { ValueKind: JsonValueKind.Object } routes)
            {
                if (Text(routes, "default") is { Length: > 0 } d)
                {
                    defaultRoute = d;
                }

                if (Property(routes, "rules") is { ValueKind: JsonValueKind.Array } list)
                {
                    rules.AddRange(list.EnumerateArray().Select(r => new RouteRule(Text(r, "match") ?? string.Empty, Text(r, "path") ?? string.Empty)));
                }
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Property(entry, "metadata") is { ValueKind: JsonValueKind.Object } meta)
            {
                foreach (var p in meta.EnumerateObject())
                {
                    metadata[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                }
            }

            result.Add(new SubscriptionSpec(pubsub, topic, rules, defaultRoute, Text(entry, "deadLetterTopic"), metadata, [], source));
        }

        return result;
    }

    private static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var p in element.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }

    private static string? Text(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
