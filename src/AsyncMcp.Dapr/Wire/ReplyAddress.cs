using System.Diagnostics.CodeAnalysis;

namespace AsyncMcp.Dapr.Wire;

/// <summary>
/// Where replies, notifications and server-to-client requests of a session are sent: a Dapr pub/sub component and
/// topic, written <c>pubsub://{component}/{topic}</c>, or a Dapr HTTP output binding and a path below the binding's
/// fixed URL, written <c>binding://{component}/{path}</c> (see <c>docs/protocol.md</c> and <c>docs/webhooks.md</c>).
/// </summary>
public sealed record ReplyAddress
{
    /// <summary>The URI scheme of a pub/sub reply address.</summary>
    public const string PubSubScheme = "pubsub";

    /// <summary>The URI scheme of a webhook reply address: a Dapr HTTP output binding and a path.</summary>
    public const string BindingScheme = "binding";

    /// <summary>The longest path a binding address may carry.</summary>
    public const int MaxBindingPathLength = 512;

    private ReplyAddress(string scheme, string component, string target)
    {
        Scheme = scheme;
        Component = component;
        Target = target;
    }

    /// <summary>The kind of destination: <see cref="PubSubScheme"/> or <see cref="BindingScheme"/>.</summary>
    public string Scheme { get; }

    /// <summary>The name of the Dapr component: a pub/sub component, or an HTTP output binding.</summary>
    public string Component { get; }

    /// <summary>The topic of a pub/sub address; the path (relative, without a leading '/') of a binding address.</summary>
    public string Target { get; }

    /// <summary>Whether replies go through a Dapr output binding (a webhook) rather than pub/sub.</summary>
    public bool IsBinding => Scheme == BindingScheme;

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

    /// <summary>Creates a webhook reply address: a Dapr HTTP output binding and a path below its URL.</summary>
    /// <param name="bindingName">The Dapr binding component name, as the server's sidecar knows it.</param>
    /// <param name="path">The path appended to the binding's URL, e.g. <c>mcp/webhooks/replies</c>; no leading '/'.</param>
    /// <exception cref="ArgumentException">The name or path breaks the rules of <c>docs/protocol.md</c>.</exception>
    public static ReplyAddress ForBinding(string bindingName, string path)
    {
        if (!IsValidComponentName(bindingName))
        {
            throw new ArgumentException($"'{bindingName}' is not a valid Dapr component name.", nameof(bindingName));
        }

        if (!IsValidBindingPath(path))
        {
            throw new ArgumentException(
                $"'{path}' is not a valid binding path: use segments of letters, digits, '-', '_', '.' and '~' separated by single '/', " +
                "with no '.' or '..' segment and no leading '/'.", nameof(path));
        }

        return new ReplyAddress(BindingScheme, bindingName, path);
    }

    /// <summary>Parses a reply address.</summary>
    /// <param name="value">The attribute value, for example <c>pubsub://pubsub/client-replies</c> or
    /// <c>binding://client-webhook/mcp/webhooks/replies</c>.</param>
    /// <param name="address">The parsed address.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid reply address.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out ReplyAddress? address)
    {
        address = null;
        if (value is null)
        {
            return false;
        }

        string scheme;
        if (value.StartsWith(PubSubScheme + "://", StringComparison.Ordinal))
        {
            scheme = PubSubScheme;
        }
        else if (value.StartsWith(BindingScheme + "://", StringComparison.Ordinal))
        {
            scheme = BindingScheme;
        }
        else
        {
            return false;
        }

        // Parsed by hand: System.Uri would lower-case the component name, decode escapes and accept what Dapr does not.
        var rest = value.AsSpan(scheme.Length + 3);
        var slash = rest.IndexOf('/');
        if (slash < 0)
        {
            return false;
        }

        var component = rest[..slash].ToString();
        var target = rest[(slash + 1)..].ToString();
        var valid = IsValidComponentName(component) && (scheme == PubSubScheme ? IsValidTopic(target) : IsValidBindingPath(target));
        if (!valid)
        {
            return false;
        }

        address = new ReplyAddress(scheme, component, target);
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

    // The path is appended to a URL the deployment fixed; it may only name a resource below it. Unreserved URL
    // characters only: no '%' (no escaped '/' or '.'), no '?', '#', '@', ':' or '\\', no empty, '.' or '..' segment.
    private static bool IsValidBindingPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > MaxBindingPathLength)
        {
            return false;
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or "..")
            {
                return false;
            }

            if (!segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'))
            {
                return false;
            }
        }

        return true;
    }
}
