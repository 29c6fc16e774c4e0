using AsyncMcp.Dapr.Emulator.Actors;
using AsyncMcp.Dapr.Emulator.State;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AsyncMcp.Dapr.Emulator.Workflows;

/// <summary>
/// Reads and writes workflow instances in the app's actor state store under the workflow actor's keys, as daprd does
/// (dapr/dapr pkg/runtime/wfengine/state/state.go GetSaveRequest, load.go): every value is a protobuf message, the
/// metadata row (BackendWorkflowStateMetadata) counts the inbox and history rows, and each save is one transaction.
/// </summary>
internal sealed class WorkflowStore(StateStore store, string appId)
{
    private readonly string _actorType = WorkflowKeys.WorkflowActorType(appId);

    /// <summary>The instance's state, or null when it has none (never created, or purged).</summary>
    public InstanceState? Load(string instanceId)
    {
        if (store.Get(Key(instanceId, WorkflowKeys.Metadata)) is not { } metadataItem)
        {
            return null;
        }

        var metadata = BackendWorkflowStateMetadata.Parser.ParseFrom(metadataItem.Value);
        var state = new InstanceState { Generation = metadata.Generation };
        for (var i = 0; i < (int)metadata.InboxLength; i++)
        {
            state.Inbox.Add(ReadEvent(instanceId, WorkflowKeys.Inbox(i)));
        }

        var history = new List<HistoryEvent>((int)metadata.HistoryLength);
        for (var i = 0; i < (int)metadata.HistoryLength; i++)
        {
            history.Add(ReadEvent(instanceId, WorkflowKeys.History(i)));
        }

        state.ReplaceHistory(history);
        state.HistoryRewritten = false;
        if (store.Get(Key(instanceId, WorkflowKeys.CustomStatus)) is { } custom)
        {
            var value = StringValue.Parser.ParseFrom(custom.Value).Value;
            state.CustomStatus = string.IsNullOrEmpty(value) ? null : value;
        }

        state.StoredInbox = state.Inbox.Count;
        state.StoredHistory = state.History.Count;
        return state;
    }

    /// <summary>Writes what changed since the last save (inbox and history rows, custom status, metadata) in one transaction.</summary>
    public void Save(string instanceId, InstanceState state, bool withCustomStatus)
    {
        var operations = new List<StateOperation>();
        Rows(operations, instanceId, WorkflowKeys.Inbox, state.Inbox, state.StoredInbox, rewritten: true);
        Rows(operations, instanceId, WorkflowKeys.History, state.History, state.StoredHistory, state.HistoryRewritten);
        if (withCustomStatus)
        {
            operations.Add(Upsert(instanceId, WorkflowKeys.CustomStatus, new StringValue { Value = state.CustomStatus ?? string.Empty }));
        }

        operations.Add(Upsert(instanceId, WorkflowKeys.Metadata, new BackendWorkflowStateMetadata
        {
            InboxLength = (ulong)state.Inbox.Count,
            HistoryLength = (ulong)state.History.Count,
            Generation = state.Generation,
        }));
        store.Apply(operations);
        state.StoredInbox = state.Inbox.Count;
        state.StoredHistory = state.History.Count;
        state.HistoryRewritten = false;
    }

    /// <summary>Appends one event to the stored inbox (daprd's AddWorkflowEvent save).</summary>
    public void SaveInboxAppend(string instanceId, InstanceState state)
    {
        var index = state.Inbox.Count - 1;
        store.Apply(
        [
            Upsert(instanceId, WorkflowKeys.Inbox(index), state.Inbox[index]),
            Upsert(instanceId, WorkflowKeys.Metadata, new BackendWorkflowStateMetadata
            {
                InboxLength = (ulong)state.Inbox.Count,
                HistoryLength = (ulong)state.StoredHistory,
                Generation = state.Generation,
            }),
        ]);
        state.StoredInbox = state.Inbox.Count;
    }

    /// <summary>Deletes every key of the instance (purge).</summary>
    public void Delete(string instanceId, InstanceState state)
    {
        var operations = new List<StateOperation>();
        for (var i = 0; i < state.StoredInbox; i++)
        {
            operations.Add(Delete(instanceId, WorkflowKeys.Inbox(i)));
        }

        for (var i = 0; i < state.StoredHistory; i++)
        {
            operations.Add(Delete(instanceId, WorkflowKeys.History(i)));
        }

        operations.Add(Delete(instanceId, WorkflowKeys.CustomStatus));
        operations.Add(Delete(instanceId, WorkflowKeys.Metadata));
        store.Apply(operations);
    }

    /// <summary>The ids of the instances with state, as daprd lists them (pkg/runtime/wfengine/state/list/list.go: keys like "{appId}||{type}||%||metadata").</summary>
    public IReadOnlyList<string> InstanceIds()
    {
        var prefix = ActorSystem.StateKey(appId, _actorType, string.Empty, string.Empty)[..^2];
        const string suffix = "||" + WorkflowKeys.Metadata;
        return store.KeysLike(prefix, suffix).Select(k => k[prefix.Length..^suffix.Length]).ToList();
    }

    /// <summary>Every stored key of the instance, in ordinal order.</summary>
    public IReadOnlyList<string> KeysOf(string instanceId) => store.KeysLike(Key(instanceId, string.Empty), string.Empty);

    /// <summary>The stored key of one of the instance's rows.</summary>
    public string Key(string instanceId, string key) => ActorSystem.StateKey(appId, _actorType, instanceId, key);

    private HistoryEvent ReadEvent(string instanceId, string key) =>
        store.Get(Key(instanceId, key)) is { } item
            ? HistoryEvent.Parser.ParseFrom(item.Value)
            : throw new InvalidDataException($"workflow '{instanceId}': metadata declares '{key}', which is not in the state store");

    private void Rows(List<StateOperation> operations, string instanceId, Func<int, string> key, List<HistoryEvent> events, int stored, bool rewritten)
    {
        for (var i = rewritten ? 0 : stored; i < events.Count; i++)
        {
            operations.Add(Upsert(instanceId, key(i), events[i]));
        }

        for (var i = events.Count; i < stored; i++)
        {
            operations.Add(Delete(instanceId, key(i)));
        }
    }

    private StateOperation Upsert(string instanceId, string key, IMessage value) => new(Key(instanceId, key), value.ToByteArray(), null, false);

    private StateOperation Delete(string instanceId, string key) => new(Key(instanceId, key), null, null, false);
}
