using System.Diagnostics;
using Dapr.Client;

namespace AsyncMcp.Dapr.Wire;

/// <summary>Publishes envelopes as structured CloudEvents through the Dapr sidecar.</summary>
internal sealed class McpEventPublisher(DaprClient daprClient, McpEnvelopeCodec codec)
{
    /// <summary>Encodes <paramref name="envelope"/>; the caller checks the size before it publishes.</summary>
    public ReadOnlyMemory<byte> Encode(McpEnvelope envelope) => codec.Encode(envelope);

    /// <summary>Publishes already encoded bytes to a pub/sub topic.</summary>
    public Task PublishAsync(string pubSubName, string topic, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken) =>
        // The event goes as a whole CloudEvent so that its id and extension attributes reach the subscriber unchanged.
        daprClient.PublishByteEventAsync(pubSubName, topic, cloudEvent, McpEnvelopeCodec.CloudEventContentType, metadata: null, cancellationToken);

    /// <summary>The <c>traceparent</c> of the current activity, to carry in outgoing envelopes.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
}
