using System.Diagnostics.CodeAnalysis;

namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// Where replies, notifications and server-to-client requests of a session are sent: a Dapr pub/sub component and
/// topic, written <c>pubsub://{component}/{topic}</c>.
/// </summary>
/// <remarks>The scheme leaves room for other kinds of destination, such as Dapr output bindings.</remarks>
public sealed record ReplyAddress
{
    /// <summary>The URI scheme of a pub/sub reply address.</summary>
    public const string PubSubScheme = "pubsub";

    private ReplyAddress(string scheme, string component, string target)
    {
        Scheme = scheme;
        Component = component;
        Target = target;
    }

    /// <summary>The kind of destination: <see cref="PubSubScheme"/>.</summary>
    public string Scheme { get; }

    /// <summary>The name of the Dapr component (a pub/sub component for <see cref="PubSubScheme"/>).</summary>
    public string Component { get; }

    /// <summary>The topic, for a pub/sub address.</summary>
    public string Target { get; }

    /// <summary>Creates a pub/sub reply address.</summary>
    /// <param name="pubSubName">The Dapr pub/sub component name.</param>
    /// <param name="topic">The topic the replies are published to.</param>
    /// <exception cref="ArgumentException">A name is empty or contains characters Dapr does not accept.</exception>
    public static ReplyAddress ForPubSub(string pubSubName, string topic)
    {
        if (!IsValidComponentName(pubSubName))
        {
            throw new ArgumentException($"'{pubSubName}' is not a valid Dapr component name.", nameof(pubSubName));
        }

        if (!IsValidTopic(topic))
        {
            throw new ArgumentException($"'{topic}' is not a valid topic name.", nameof(topic));
        }

        return new ReplyAddress(PubSubScheme, pubSubName, topic);
    }

    /// <summary>Parses a reply address.</summary>
    /// <param name="value">The attribute value, for example <c>pubsub://pubsub/client-replies</c>.</param>
    /// <param name="address">The parsed address.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid reply address.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out ReplyAddress? address)
    {
        address = null;
        const string prefix = PubSubScheme + "://";
        if (value is null || !value.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        // Parsed by hand: System.Uri would lower-case the component name and accept what Dapr does not.
        var rest = value.AsSpan(prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash < 0)
        {
            return false;
        }

        var component = rest[..slash].ToString();
        var topic = rest[(slash + 1)..].ToString();
        if (!IsValidComponentName(component) || !IsValidTopic(topic))
        {
            return false;
        }

        address = new ReplyAddress(PubSubScheme, component, topic);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Scheme}://{Component}/{Target}";

    // Dapr component names are Kubernetes resource names: lower-case alphanumerics and '-', '.'.
    private static bool IsValidComponentName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 253 &&
        name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.');

    // SNS/SQS accept letters, digits, '-' and '_' (and '.fifo'); Redis and others are laxer. Be as strict as the strictest.
    private static bool IsValidTopic(string? topic) =>
        !string.IsNullOrEmpty(topic) && topic.Length <= 256 &&
        topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
