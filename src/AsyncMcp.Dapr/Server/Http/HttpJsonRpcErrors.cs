using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Server.Http;

/// <summary>Writes an HTTP error whose body is a JSON-RPC error response, as the Streamable HTTP transport allows.</summary>
internal static class HttpJsonRpcErrors
{
    /// <summary>
    /// The code of a refusal by the HTTP transport itself (headers, method, session id, Host/Origin), as the MCP SDK's
    /// Streamable HTTP server answers it: a server error code of JSON-RPC's implementation-defined range.
    /// </summary>
    public const int TransportRefusal = -32000;

    public static Task WriteAsync(HttpContext context, int statusCode, int code, string message, RequestId id = default)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id.Id switch
            {
                string text => JsonValue.Create(text),
                long number => JsonValue.Create(number),
                _ => null,
            },
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
        };
        return context.Response.WriteAsync(body.ToJsonString(JsonSerializerOptions.Default), context.RequestAborted);
    }
}
