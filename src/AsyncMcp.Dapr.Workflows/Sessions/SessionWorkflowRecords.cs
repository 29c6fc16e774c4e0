using System.Text.Json.Serialization;
using AsyncMcp.Dapr.Actors.Sessions;
using AsyncMcp.Dapr.Server.Sessions;

namespace AsyncMcp.Dapr.Workflows.Sessions;

/// <summary>
/// The record of one session, kept inside its workflow: the workflow's input, changed by each event and carried into
/// the next generation by continue-as-new. Enough to rebuild the session's server on any replica. It is most of what
/// an idle session keeps in the state store, so it is kept small: messages as JSON values, event ids as digests.
/// </summary>
internal sealed class SessionState : ISeenRecord
{
    public required string SessionId { get; init; }

    /// <summary>The app-id that opened the session; only it may use the session.</summary>
    public required string OwnerAppId { get; init; }

    public required string ReplyTo { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Connection { get; set; }

    /// <summary>Whether the initialize request was handed to a server (false only before the first turn).</summary>
    public bool Opened { get; set; }

    /// <summary>The session-shaping messages, in order: initialize, notifications/initialized, logging/setLevel, resources/subscribe.</summary>
    [JsonConverter(typeof(RawJsonTextList))]
    public List<string> Replay { get; init; } = [];

    /// <summary>The recent CloudEvent ids, at most the configured window, as 8-byte digests in a ring (<see cref="SeenWindow"/>).</summary>
    public byte[] SeenDigests { get; set; } = [];

    /// <summary>The slot of the ring the next digest goes to, once the ring is full.</summary>
    public int SeenNext { get; set; }

    /// <summary>CloudEvent ids as text, folded into <see cref="SeenDigests"/> by the first turn: the initialize event's
    /// id as the host starts the session, or the ids of a record written by an earlier version.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Seen { get; set; }

    public List<InFlightRequest> InFlight { get; init; } = [];

    public DateTime LastActivity { get; set; }
}

/// <summary>What a session's workflow tells readers through its custom status: who owns the session, and whether it has
/// ended (closed or expired; the instance completes a few seconds later).</summary>
internal sealed record SessionStatus(string Owner, bool Ended = false);

/// <summary>The kinds of <see cref="SessionSignal"/>.</summary>
internal static class SignalKinds
{
    /// <summary>A JSON-RPC message of the session's client.</summary>
    public const string Message = "message";

    /// <summary>The client closes the session.</summary>
    public const string Close = "close";

    /// <summary>The server answered requests (<see cref="SessionSignal.RequestIds"/>).</summary>
    public const string Answered = "answered";

    /// <summary>A rebuilt server answered requests left behind with an error (<see cref="SessionSignal.RequestIds"/>)
    /// and runs others again (<see cref="SessionSignal.Rerun"/>).</summary>
    public const string Rebuilt = "rebuilt";
}

/// <summary>One event raised to a session's workflow; all kinds share one event name so that they stay in order.</summary>
internal sealed record SessionSignal
{
    public required string Kind { get; init; }

    /// <summary>The CloudEvent id (messages and close): the de-duplication key.</summary>
    public string? EventId { get; init; }

    /// <summary>The JSON-RPC message as JSON text.</summary>
    [JsonConverter(typeof(RawJsonText))]
    public string? Message { get; init; }

    /// <summary>Whether the message is a request that may be run again after its replica stopped.</summary>
    public bool Idempotent { get; init; }

    /// <summary>The JSON-RPC ids (as JSON text) of requests answered or given up.</summary>
    public string[]? RequestIds { get; init; }

    /// <summary>The JSON-RPC ids (as JSON text) of requests run again after a rebuild.</summary>
    public string[]? Rerun { get; init; }
}
