using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Wire;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>CloudEvents that tests inject or publish as a client would, without a client object.</summary>
internal static class ProbeEvents
{
    /// <summary>An MCP message event.</summary>
    public static JsonObject Message(string id, string source, string replyTo, JsonObject data, string? sessionId = null, string? connection = null)
    {
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["source"] = source,
            ["type"] = McpCloudEventTypes.Message,
            ["datacontenttype"] = "application/json",
            [McpCloudEventAttributes.ReplyTo] = replyTo,
        };
        if (connection is not null)
        {
            cloudEvent[McpCloudEventAttributes.Connection] = connection;
        }

        if (sessionId is not null)
        {
            cloudEvent[McpCloudEventAttributes.SessionId] = sessionId;
        }

        cloudEvent["data"] = data;
        return cloudEvent;
    }

    /// <summary>A 2025-11-25 <c>initialize</c> request.</summary>
    public static JsonObject Initialize(string clientName) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = 1,
        ["method"] = "initialize",
        ["params"] = new JsonObject
        {
            ["protocolVersion"] = "2025-11-25",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = clientName, ["version"] = "1" },
        },
    };
}
