using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Forwarding;

/// <summary>A front request forwarded to the server and not answered yet.</summary>
internal sealed class PendingRequest(long sequence, string backendId, RequestId frontId, string method, ITransport? stream, JsonNode? frontProgressToken, string? backendProgressToken) : IDisposable
{
    /// <summary>Orders requests by when they were forwarded.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>The id the server sees.</summary>
    public string BackendId { get; } = backendId;

    /// <summary>The id the front client chose.</summary>
    public RequestId FrontId { get; } = frontId;

    public string Method { get; } = method;

    /// <summary>Where everything about this request goes: its POST response stream, or <see langword="null"/> for the session's own stream.</summary>
    public ITransport? Stream { get; } = stream;

    public JsonNode? FrontProgressToken { get; } = frontProgressToken;

    /// <summary>The CloudEvent id the request went to the server as, once published: for the log.</summary>
    public string? MessageId { get; set; }

    public string? BackendProgressToken { get; } = backendProgressToken;

    /// <summary>Fires when the server has been silent for too long.</summary>
    public CancellationTokenSource Timeout { get; } = new();

    public CancellationTokenRegistration Registrations { get; set; }

    public CancellationTokenRegistration AbortRegistration { get; set; }

    public void Dispose()
    {
        Registrations.Dispose();
        AbortRegistration.Dispose();
        Timeout.Dispose();
    }
}
