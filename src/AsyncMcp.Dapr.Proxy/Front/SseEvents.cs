using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>Writes replayed events as SSE, with their ids and <c>retry:</c>, the way the SDK's transport writes live ones.</summary>
internal static class SseEvents
{
    private static readonly JsonTypeInfo<JsonRpcMessage> MessageType = (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

#pragma warning disable MCP9006 // Obsolete for the SDK's own stateful server only; 2025-11-25 clients resume streams with it.
    public static Task WriteAsync(ISseEventStreamReader reader, Stream destination, CancellationToken cancellationToken)
#pragma warning restore MCP9006
    {
        Utf8JsonWriter? json = null;
        return SseFormatter.WriteAsync(reader.ReadEventsAsync(cancellationToken), destination, (item, buffer) =>
        {
            if (item.Data is null)
            {
                return;
            }

            if (json is null)
            {
                json = new Utf8JsonWriter(buffer);
            }
            else
            {
                json.Reset(buffer);
            }

            JsonSerializer.Serialize(json, item.Data, MessageType);
        }, cancellationToken);
    }
}
