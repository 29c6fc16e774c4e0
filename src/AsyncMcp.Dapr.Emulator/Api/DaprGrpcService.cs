using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using StateOperation = AsyncMcp.Dapr.Emulator.State.StateOperation;

namespace AsyncMcp.Dapr.Emulator.Api;

/// <summary>
/// The emulated part of daprd's gRPC API (dapr.proto.runtime.v1.Dapr): publish, state and metadata.
/// </summary>
internal sealed class DaprGrpcService(SidecarApi api, Func<DaprSidecar> sidecar)
{
    /// <summary>A streaming subscription (<see cref="StreamSubscriptionCall"/>).</summary>
    public Task SubscribeTopicEvents(IAsyncStreamReader<SubscribeTopicEventsRequestAlpha1> requests, IServerStreamWriter<SubscribeTopicEventsResponseAlpha1> responses, ServerCallContext context) =>
        StreamSubscriptionCall.RunAsync(api, sidecar(), requests, responses, context);

    public Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context) => Run(() =>
    {
        api.Publish(request.PubsubName, request.Topic, request.Data.Memory, request.DataContentType, request.Metadata,
            context.RequestHeaders.GetValue("traceparent"), context.RequestHeaders.GetValue("tracestate"), grpc: true);
        return new Empty();
    });

    /// <summary>
    /// daprd's gRPC bulk publish (dapr/dapr pkg/api/grpc/grpc.go bulkPublishEvent): each entry's bytes as they came, its
    /// metadata merged over the call's only when it has metadata of its own (utils/utils.go PopulateMetadataForBulkPublishEntry),
    /// an entry without an id or with another's refuses the whole call, and an empty response when all were published.
    /// </summary>
    public Task<BulkPublishResponse> BulkPublishEvent(BulkPublishRequest request, ServerCallContext context) => Run(() =>
    {
        var entries = new List<BulkPublishEntry>(request.Entries.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in request.Entries)
        {
            if (entry.EntryId.Length == 0 || !ids.Add(entry.EntryId))
            {
                api.CheckPubSubAndTopic(request.PubsubName, request.Topic, request.Metadata, grpc: true); // daprd checks those first
                throw DaprErrors.BulkPublishEntryId(request.PubsubName, request.Topic, api.AppId);
            }

            IReadOnlyDictionary<string, string> metadata = entry.Metadata.Count == 0
                ? new Dictionary<string, string>(StringComparer.Ordinal)
                : WithCallMetadata(entry.Metadata, request.Metadata);
            entries.Add(new BulkPublishEntry(entry.EntryId, entry.Event.Memory, entry.ContentType, metadata));
        }

        api.BulkPublish(request.PubsubName, request.Topic, entries, request.Metadata,
            context.RequestHeaders.GetValue("traceparent"), context.RequestHeaders.GetValue("tracestate"));
        return new BulkPublishResponse();
    });

    public Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context) => Run(() =>
    {
        var item = api.GetState(request.StoreName, request.Key);
        return item is null
            ? new GetStateResponse()
            : new GetStateResponse { Data = ByteString.CopyFrom(item.Value), Etag = item.ETag };
    });

    public Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext context) => Run(() =>
    {
        var response = new GetBulkStateResponse();
        foreach (var key in request.Keys)
        {
            var item = api.GetState(request.StoreName, key);
            response.Items.Add(item is null
                ? new BulkStateItem { Key = key }
                : new BulkStateItem { Key = key, Data = ByteString.CopyFrom(item.Value), Etag = item.ETag });
        }

        return response;
    });

    public Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context) => Run(() =>
    {
        api.SaveState(request.StoreName, request.States.Select(ToOperation).ToList());
        return new Empty();
    });

    public Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context) => Run(() =>
    {
        api.DeleteState(request.StoreName, request.Key, request.Etag?.Value, IsFirstWrite(request.Options));
        return new Empty();
    });

    public Task<Empty> ExecuteStateTransaction(ExecuteStateTransactionRequest request, ServerCallContext context) => Run(() =>
    {
        var operations = new List<StateOperation>();
        foreach (var operation in request.Operations)
        {
            var item = operation.Request ?? throw DaprErrors.MalformedRequest("missing request in transaction operation");
            operations.Add(operation.OperationType switch
            {
                "upsert" => ToOperation(item),
                "delete" => new StateOperation(item.Key, null, item.Etag?.Value, IsFirstWrite(item.Options)),
                _ => throw new DaprApiException("ERR_NOT_SUPPORTED_STATE_OPERATION", 400, StatusCode.Unimplemented,
                    $"operation type {operation.OperationType} not supported"),
            });
        }

        api.Transact(request.StoreName, operations);
        return new Empty();
    });

    public async Task<InvokeBindingResponse> InvokeBinding(InvokeBindingRequest request, ServerCallContext context)
    {
        try
        {
            var (data, metadata) = await api.InvokeBindingAsync(request.Name, request.Operation, request.Data.Memory, request.Metadata, context.CancellationToken)
                .ConfigureAwait(false);
            var response = new InvokeBindingResponse { Data = ByteString.CopyFrom(data) };
            response.Metadata.Add(metadata.ToDictionary());
            return response;
        }
        catch (DaprApiException e)
        {
            // daprd's gRPC API returns the status only, without the response metadata, when the binding fails.
            throw e.ToRpcException();
        }
    }

    public Task<GetSecretResponse> GetSecret(GetSecretRequest request, ServerCallContext context) => Run(() =>
    {
        var response = new GetSecretResponse();
        response.Data.Add(api.GetSecret(request.StoreName, request.Key).ToDictionary());
        return response;
    });

    public Task<GetMetadataResponse> GetMetadata(GetMetadataRequest request, ServerCallContext context) => Run(() =>
    {
        var response = new GetMetadataResponse { Id = api.AppId, RuntimeVersion = DaprEmulator.RuntimeVersion };
        foreach (var component in api.Components)
        {
            response.RegisteredComponents.Add(new RegisteredComponents { Name = component.Name, Type = component.Type, Version = "v1" });
        }

        return response;
    });

    private static Dictionary<string, string> WithCallMetadata(IDictionary<string, string> entry, IDictionary<string, string> call)
    {
        var merged = new Dictionary<string, string>(entry, StringComparer.Ordinal);
        foreach (var (key, value) in call)
        {
            merged.TryAdd(key, value);
        }

        return merged;
    }

    private static StateOperation ToOperation(global::Dapr.Client.Autogen.Grpc.v1.StateItem item) =>
        new(item.Key, item.Value.ToByteArray(), item.Etag?.Value, IsFirstWrite(item.Options));

    private static bool IsFirstWrite(StateOptions? options) =>
        options?.Concurrency == StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite;

    private static Task<T> Run<T>(Func<T> action)
    {
        try
        {
            return Task.FromResult(action());
        }
        catch (DaprApiException e)
        {
            throw e.ToRpcException();
        }
    }
}
