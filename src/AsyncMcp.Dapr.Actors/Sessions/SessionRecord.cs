using System.Text.Json.Serialization;
using AsyncMcp.Dapr.Server.Sessions;

namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>
/// Everything a session actor keeps in the actor state store: enough to rebuild the session's <c>McpServer</c> on any
/// replica (the initialize exchange and the requests that changed the session's state, replayed in order), where to
/// reply, who owns the session, the recent CloudEvent ids, and the requests in flight.
/// </summary>
internal sealed class SessionRecord : ISeenRecord
{
    public required string SessionId { get; init; }

    /// <summary>The app-id that opened the session; only it may use the session.</summary>
    public required string OwnerAppId { get; init; }

    public required string ReplyTo { get; set; }

    public string? Connection { get; set; }

    /// <summary>The session-shaping messages, in order: initialize, notifications/initialized, logging/setLevel, resources/subscribe.</summary>
    [JsonConverter(typeof(RawJsonTextList))]
    public List<string> Replay { get; init; } = [];

    /// <summary>The recent CloudEvent ids as 8-byte digests in a ring (<see cref="SeenWindow"/>); base64 in the state.</summary>
    public byte[] SeenDigests { get; set; } = [];

    /// <summary>The slot of the ring the next digest goes to, once the ring is full.</summary>
    public int SeenNext { get; set; }

    /// <summary>Recent CloudEvent ids as text, as earlier versions kept them; converted to digests on first use.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Seen { get; set; }

    public List<InFlightRequest> InFlight { get; init; } = [];

    public DateTimeOffset LastActivity { get; set; }
}
