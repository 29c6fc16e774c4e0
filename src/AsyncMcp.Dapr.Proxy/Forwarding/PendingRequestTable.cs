using System.Collections.Concurrent;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Proxy.Forwarding;

/// <summary>
/// The requests of one channel forwarded and not answered yet, found by the id the server sees, the id the client
/// chose, or the progress token the server sees. A request leaves it exactly once: whichever of answer, timeout,
/// cancellation or abort comes first takes it out, and the others find it gone.
/// </summary>
internal sealed class PendingRequestTable
{
    private readonly ConcurrentDictionary<string, PendingRequest> _byBackendId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingRequest> _byProgressToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<RequestId, PendingRequest> _byFrontId = new();

    /// <summary>How many requests are in flight.</summary>
    public int Count => _byBackendId.Count;

    /// <summary>Every request in flight.</summary>
    public ICollection<PendingRequest> All => _byBackendId.Values;

    /// <summary>Adds a request about to be forwarded.</summary>
    public void Add(PendingRequest pending)
    {
        _byBackendId[pending.BackendId] = pending;
        _byFrontId[pending.FrontId] = pending;
        if (pending.BackendProgressToken is { } token)
        {
            _byProgressToken[token] = pending;
        }
    }

    /// <summary>The request the server knows as <paramref name="backendId"/>, while it is in flight.</summary>
    public bool TryGetByBackendId(string backendId, out PendingRequest pending) => _byBackendId.TryGetValue(backendId, out pending!);

    /// <summary>The request the client sent as <paramref name="frontId"/>, while it is in flight.</summary>
    public bool TryGetByFrontId(RequestId frontId, out PendingRequest pending) => _byFrontId.TryGetValue(frontId, out pending!);

    /// <summary>The request whose progress the server reports under <paramref name="backendToken"/>, while it is in flight.</summary>
    public bool TryGetByProgressToken(string backendToken, out PendingRequest pending) =>
        _byProgressToken.TryGetValue(backendToken, out pending!) && _byBackendId.ContainsKey(pending.BackendId);

    /// <summary>The response stream of the most recent request that has one, if any.</summary>
    public ITransport? MostRecentStream() => _byBackendId.Values.Where(p => p.Stream is not null).MaxBy(p => p.Sequence)?.Stream;

    /// <summary>Takes <paramref name="pending"/> out; <see langword="false"/> when something else already had.</summary>
    public bool TryComplete(PendingRequest pending)
    {
        if (!_byBackendId.TryRemove(pending.BackendId, out _))
        {
            return false;
        }

        _byFrontId.TryRemove(new KeyValuePair<RequestId, PendingRequest>(pending.FrontId, pending));
        if (pending.BackendProgressToken is { } token)
        {
            _byProgressToken.TryRemove(token, out _);
        }

        pending.Dispose();
        return true;
    }
}
