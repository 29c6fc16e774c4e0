using System.Collections.Concurrent;

namespace AsyncMcp.Dapr.Actors.Sessions;

/// <summary>
/// The requests a session actor's server has answered since the record was last saved. Filled from the server's
/// sending thread as each answer is published; the actor's next save (the next message's, the in-flight check's, or
/// the deactivation's) takes them off the record's in-flight list, so that an answer costs no write of its own.
/// </summary>
internal sealed class AnsweredRequests
{
    private readonly ConcurrentQueue<string> _ids = new();

    /// <summary>Whether no answer waits for a save.</summary>
    public bool IsEmpty => _ids.IsEmpty;

    /// <summary>How many answers wait for a save.</summary>
    public int Count => _ids.Count;

    /// <summary>Notes the request with the record's id <paramref name="id"/> as answered.</summary>
    public void Add(string id) => _ids.Enqueue(id);

    /// <summary>Takes the answered requests off <paramref name="record"/>'s in-flight list; true when the list changed.</summary>
    public bool TakeFrom(SessionRecord record)
    {
        var changed = false;
        while (_ids.TryDequeue(out var id))
        {
            changed |= record.InFlight.RemoveAll(r => r.Id == id) > 0;
        }

        return changed;
    }
}
