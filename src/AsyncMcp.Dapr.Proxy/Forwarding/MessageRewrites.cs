using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Forwarding;

/// <summary>
/// The parts of a message the proxy changes on its way through: the progress token of a request and its progress
/// notifications, the request id a cancellation names, and the stream id of a listen stream's notifications. Each
/// rewrite works on a copy of the params, so a message the client or server still holds is never changed.
/// </summary>
internal static class MessageRewrites
{
    private const string ProgressTokenKey = "progressToken";
    private const string SubscriptionIdKey = "io.modelcontextprotocol/subscriptionId";

    /// <summary>
    /// A request's params with <paramref name="backendToken"/> in place of the client's progress token, and that token;
    /// the params as they came, and no token, when the request asks for no progress.
    /// </summary>
    public static (JsonNode? Params, JsonNode? FrontToken) WithProgressToken(JsonNode? parameters, string backendToken)
    {
        if (parameters is not JsonObject { } paramsObject || paramsObject["_meta"] is not JsonObject { } meta || meta[ProgressTokenKey] is not { } token)
        {
            return (parameters, null);
        }

        var copy = paramsObject.DeepClone();
        copy["_meta"]![ProgressTokenKey] = backendToken;
        return (copy, token.DeepClone());
    }

    /// <summary>The progress token a progress notification names, when it is one of the proxy's (a string).</summary>
    public static string? ProgressTokenOf(JsonRpcNotification progress) =>
        progress.Params?[ProgressTokenKey] is JsonValue token && token.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A progress notification's params with the client's own token.</summary>
    public static JsonObject WithFrontProgressToken(JsonNode parameters, JsonNode? frontToken)
    {
        var copy = parameters.DeepClone().AsObject();
        copy[ProgressTokenKey] = frontToken?.DeepClone();
        return copy;
    }

    /// <summary>The client's request id a cancellation names; none when it names no string or number.</summary>
    public static RequestId CancelledIdOf(JsonRpcNotification cancelled)
    {
        var requestId = cancelled.Params?["requestId"];
        return requestId?.GetValueKind() switch
        {
            JsonValueKind.String => new RequestId(requestId.GetValue<string>()),
            JsonValueKind.Number => new RequestId(requestId.GetValue<long>()),
            _ => default,
        };
    }

    /// <summary>A cancellation's params naming the request by the id the server knows.</summary>
    public static JsonObject WithCancelledId(JsonNode parameters, string backendId)
    {
        var copy = parameters.DeepClone().AsObject();
        copy["requestId"] = backendId;
        return copy;
    }

    /// <summary>The listen stream a notification belongs to, when it names one.</summary>
    public static JsonValue? SubscriptionIdOf(JsonRpcNotification notification) =>
        notification.Params is JsonObject parameters && parameters["_meta"] is JsonObject meta ? meta[SubscriptionIdKey] as JsonValue : null;

    /// <summary>A listen stream notification's params naming the stream by the client's id for it.</summary>
    public static JsonObject WithSubscriptionId(JsonNode parameters, RequestId frontId)
    {
        var copy = parameters.DeepClone().AsObject();
        copy["_meta"]![SubscriptionIdKey] = frontId.Id is long number ? JsonValue.Create(number) : JsonValue.Create(frontId.Id?.ToString());
        return copy;
    }
}
