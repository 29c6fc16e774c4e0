using System.Text.Json.Serialization;

namespace AsyncMcp.Dapr.Server.Sessions;

/// <summary>A client request the session's server has not answered yet, as kept in the session actor's state.</summary>
internal sealed class InFlightRequest
{
    /// <summary>The JSON-RPC id as JSON text (a string or a number).</summary>
    public required string Id { get; init; }

    public required string Method { get; init; }

    /// <summary>The whole request as JSON text, so that an idempotent tool call can be run again; stored as the JSON value.</summary>
    [JsonConverter(typeof(RawJsonText))]
    public required string Message { get; init; }

    /// <summary>Whether the request may be run again after its replica stopped (a tool with <c>idempotentHint</c>).</summary>
    public bool Idempotent { get; init; }

    /// <summary>How many times it was run again; a request is re-run once at most.</summary>
    public int Reruns { get; set; }
}
