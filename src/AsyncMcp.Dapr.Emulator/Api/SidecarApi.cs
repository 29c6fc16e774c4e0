using AsyncMcp.Dapr.Emulator.Components;
using AsyncMcp.Dapr.Emulator.Diagnostics;
using AsyncMcp.Dapr.Emulator.PubSub;
using AsyncMcp.Dapr.Emulator.State;

namespace AsyncMcp.Dapr.Emulator.Api;

/// <summary>
/// The building-block operations of one sidecar, shared by its gRPC and HTTP APIs. Errors are <see cref="DaprApiException"/>s.
/// </summary>
internal sealed class SidecarApi(DaprEmulator emulator, string appId)
{
    /// <summary>The app-id of the sidecar.</summary>
    public string AppId { get; } = appId;

    /// <summary>The components this app sees (scopes applied).</summary>
    public IEnumerable<ComponentSpec> Components => emulator.ComponentsFor(AppId);

    /// <summary>The emulator.</summary>
    public DaprEmulator Emulator => emulator;

    /// <summary>
    /// Publishes as daprd's publish API does: checks the pubsub and topic, builds the CloudEvent, puts it on the broker.
    /// <paramref name="traceParent"/> is the incoming call's traceparent (daprd's span for the call is its child);
    /// <paramref name="grpc"/> when the call came on the gRPC API, whose errors differ (<see cref="CheckPubSubAndTopic"/>).
    /// </summary>
    public void Publish(string pubSubName, string topic, ReadOnlyMemory<byte> data, string? contentType, IReadOnlyDictionary<string, string> metadata, string? traceParent, string? traceState, bool grpc = false)
    {
        CheckPubSubAndTopic(pubSubName, topic, metadata, grpc);
        var body = BuildCloudEvent(pubSubName, topic, data, contentType, metadata, traceParent, traceState, emulator.Time.GetUtcNow());
        emulator.PublishCounts.Add(1);
        PutOnBroker(pubSubName, topic, body, metadata);
    }

    /// <summary>
    /// Checks the pubsub and topic of a publish call, as daprd does before it reads the call's body (dapr/dapr
    /// pkg/api/http/http.go and pkg/api/grpc/grpc.go validateAndGetPubsubAndTopic): the errors carry the call's metadata,
    /// except an unknown pubsub over gRPC, whose error daprd builds with none.
    /// </summary>
    public void CheckPubSubAndTopic(string pubSubName, string topic, IReadOnlyDictionary<string, string> metadata, bool grpc = false)
    {
        if (string.IsNullOrEmpty(pubSubName))
        {
            throw DaprErrors.PubSubEmpty(metadata);
        }

        var component = Components.FirstOrDefault(c => c.IsPubSub && c.Name == pubSubName)
            ?? throw DaprErrors.PubSubNotFound(pubSubName, grpc ? new Dictionary<string, string>() : metadata);
        if (string.IsNullOrEmpty(topic))
        {
            throw DaprErrors.TopicEmpty(component.Name, metadata);
        }
    }

    /// <summary>
    /// Publishes the entries of a bulk publish call in order, each as a publish call of its own would be (its own
    /// CloudEvent, its own child span of the call's trace); daprd hands a component without a bulk API of its own
    /// (every one the emulator has) to its default bulk publisher, which publishes the entries one by one
    /// (dapr/dapr pkg/runtime/pubsub/default_bulkpub.go). The broker takes every message, so none fails.
    /// </summary>
    public void BulkPublish(string pubSubName, string topic, IReadOnlyList<BulkPublishEntry> entries, IReadOnlyDictionary<string, string> metadata, string? traceParent, string? traceState)
    {
        CheckPubSubAndTopic(pubSubName, topic, metadata, grpc: true);

        // Every CloudEvent is built before any is published: an entry daprd cannot build fails the whole call.
        var now = emulator.Time.GetUtcNow();
        var built = entries.Select(e => BuildCloudEvent(pubSubName, topic, e.Event, e.ContentType, e.Metadata, traceParent, traceState, now)).ToList();
        emulator.PublishCounts.Add(built.Count);
        for (var i = 0; i < built.Count; i++)
        {
            PutOnBroker(pubSubName, topic, built[i], entries[i].Metadata);
        }
    }

    // The CloudEvent daprd builds for one message; its span for the message is a child of the call's traceparent.
    private byte[] BuildCloudEvent(string pubSubName, string topic, ReadOnlyMemory<byte> data, string? contentType, IReadOnlyDictionary<string, string> metadata, string? traceParent, string? traceState, DateTimeOffset now) =>
        CloudEventBuilder.Build(
            new CloudEventBuilder.Request(AppId, pubSubName, topic, data, contentType, metadata, TraceContext.ChildOf(traceParent), traceState ?? string.Empty),
            now);

    private void PutOnBroker(string pubSubName, string topic, byte[] cloudEvent, IReadOnlyDictionary<string, string> metadata)
    {
        emulator.Broker.Publish(new PublishedMessage(pubSubName, topic, cloudEvent, ContentTypes.CloudEventJson, new Dictionary<string, string>(metadata, StringComparer.Ordinal)));
        emulator.Logger.Published(AppId, pubSubName, topic, null);
    }

    /// <summary>The state store named <paramref name="storeName"/> as this app sees it.</summary>
    public StateStore Store(string storeName)
    {
        if (!Components.Any(c => c.IsStateStore))
        {
            throw DaprErrors.StateStoresNotConfigured(storeName, AppId);
        }

        var store = emulator.StateStore(storeName);
        if (store is null || !store.Spec.IsVisibleTo(AppId))
        {
            throw DaprErrors.StateStoreNotFound(storeName, AppId);
        }

        return store;
    }

    /// <summary>Reads a key.</summary>
    public StateItem? GetState(string storeName, string key)
    {
        var store = Store(storeName);
        return store.Get(store.Keys.Modify(key, AppId));
    }

    /// <summary>Saves items (all or none).</summary>
    public void SaveState(string storeName, IReadOnlyList<StateOperation> items)
    {
        var store = Store(storeName);
        try
        {
            store.Apply(items.Select(i => i with { Key = store.Keys.Modify(i.Key, AppId) }).ToList());
        }
        catch (StateETagException e)
        {
            throw DaprErrors.SaveEtagMismatch(storeName, e.Message);
        }
    }

    /// <summary>Deletes a key.</summary>
    public void DeleteState(string storeName, string key, string? etag, bool firstWrite)
    {
        var store = Store(storeName);
        try
        {
            store.Apply([new StateOperation(store.Keys.Modify(key, AppId), null, etag, firstWrite)]);
        }
        catch (StateETagException e)
        {
            throw DaprErrors.DeleteEtagMismatch(key, e.Message);
        }
    }

    /// <summary>Runs a transaction: every operation, or none.</summary>
    public void Transact(string storeName, IReadOnlyList<StateOperation> operations)
    {
        var store = Store(storeName);
        try
        {
            store.Apply(operations.Select(i => i with { Key = store.Keys.Modify(i.Key, AppId) }).ToList());
        }
        catch (StateETagException e)
        {
            throw DaprErrors.TransactionEtagMismatch(e.Message);
        }
    }

    /// <summary>
    /// Invokes an output binding as daprd's binding API does (dapr/dapr pkg/api/grpc/grpc.go InvokeBinding,
    /// pkg/runtime/processor/binding/send.go): an unknown binding or a failed call is ERR_INVOKE_OUTPUT_BINDING.
    /// </summary>
    public async Task<(byte[] Data, IReadOnlyDictionary<string, string> Metadata)> InvokeBindingAsync(
        string name, string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken ct)
    {
        var component = Components.FirstOrDefault(c => c.IsBinding && c.Name == name)
            ?? throw DaprErrors.InvokeOutputBinding(name, $"couldn't find output binding {name}");
        Bindings.HttpOutputBinding.Result result;
        try
        {
            result = await Bindings.HttpOutputBinding.InvokeAsync(emulator.BindingClient, component, operation, data, metadata, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or UriFormatException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            emulator.Logger.BindingInvoked(AppId, name, operation, component.Property("url") ?? string.Empty, e.Message);
            throw DaprErrors.InvokeOutputBinding(name, e.Message);
        }

        emulator.Logger.BindingInvoked(AppId, name, operation, result.Url, result.Error ?? result.Metadata["status"]);
        return result.Error is { } error ? throw DaprErrors.InvokeOutputBinding(name, error) : (result.Data, result.Metadata);
    }

    /// <summary>Reads a secret (dapr/dapr pkg/api/grpc/grpc.go GetSecret).</summary>
    public IReadOnlyDictionary<string, string> GetSecret(string storeName, string key)
    {
        var stores = Components.Where(c => c.IsSecretStore).ToList();
        if (stores.Count == 0)
        {
            throw DaprErrors.SecretStoresNotConfigured();
        }

        var store = stores.FirstOrDefault(c => c.Name == storeName) ?? throw DaprErrors.SecretStoreNotFound(storeName);
        try
        {
            return Secrets.LocalSecretStore.Get(store, key);
        }
        catch (Exception e) when (e is KeyNotFoundException or IOException or System.Text.Json.JsonException or InvalidOperationException)
        {
            throw DaprErrors.SecretGet(key, storeName, e.Message);
        }
    }
}
