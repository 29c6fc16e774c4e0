using Grpc.Core;

namespace AsyncMcp.Dapr.Emulator.Api;

/// <summary>
/// The errors daprd returns, with its codes, statuses and messages
/// (dapr/dapr pkg/api/errors/pubsub.go, pkg/api/errors/state.go, pkg/messages).
/// </summary>
internal static class DaprErrors
{
    public static DaprApiException PubSubEmpty() =>
        new("ERR_PUBSUB_EMPTY", 404, StatusCode.InvalidArgument, "pubsub name is empty");

    public static DaprApiException PubSubNotFound(string name) =>
        new("ERR_PUBSUB_NOT_FOUND", 404, StatusCode.InvalidArgument, $"pubsub {name} not found");

    public static DaprApiException TopicEmpty(string name) =>
        new("ERR_TOPIC_EMPTY", 404, StatusCode.InvalidArgument, $"topic is empty in pubsub {name}");

    public static DaprApiException CloudEventCreation() =>
        new("ERR_PUBSUB_CLOUD_EVENTS_SER", 500, StatusCode.InvalidArgument, "cannot create cloudevent");

    /// <summary>A bulk publish entry without an id, or with another entry's (PubSubTopicError.MarshalEvents).</summary>
    public static DaprApiException BulkPublishEntryId(string pubSubName, string topic) =>
        new("ERR_PUBSUB_EVENTS_SER", 400, StatusCode.InvalidArgument,
            $"error marshaling events to bytes for topic {topic} pubsub {pubSubName}. error: entryId is duplicated or not present for entry");

    public static DaprApiException StateStoreNotFound(string name) =>
        new("ERR_STATE_STORE_NOT_FOUND", 400, StatusCode.InvalidArgument, $"state store {name} is not found");

    public static DaprApiException StateStoresNotConfigured() =>
        new("ERR_STATE_STORE_NOT_CONFIGURED", 500, StatusCode.FailedPrecondition, "state store is not configured");

    public static DaprApiException MalformedRequest(string message) =>
        new("ERR_MALFORMED_REQUEST", 400, StatusCode.InvalidArgument, message);

    public static DaprApiException SaveEtagMismatch(string store, string detail) =>
        new("ERR_STATE_SAVE", 409, StatusCode.Aborted,
            $"failed saving state in state store {store}: possible etag mismatch. error from state store: {detail}");

    public static DaprApiException DeleteEtagMismatch(string key, string detail) =>
        new("ERR_STATE_DELETE", 409, StatusCode.Aborted,
            $"failed deleting state with key {key}: possible etag mismatch. error from state store: {detail}");

    public static DaprApiException TransactionEtagMismatch(string detail) =>
        new("ERR_STATE_TRANSACTION", 409, StatusCode.Aborted,
            $"error while executing state transaction: possible etag mismatch. error from state store: {detail}");

    public static DaprApiException InvokeOutputBinding(string name, string detail) =>
        new("ERR_INVOKE_OUTPUT_BINDING", 500, StatusCode.Internal, $"error invoking output binding {name}: {detail}");

    public static DaprApiException SecretStoresNotConfigured() =>
        new("ERR_SECRET_STORES_NOT_CONFIGURED", 500, StatusCode.FailedPrecondition, "secret store is not configured");

    public static DaprApiException SecretStoreNotFound(string name) =>
        new("ERR_SECRET_STORE_NOT_FOUND", 401, StatusCode.InvalidArgument, $"failed finding secret store with key {name}");

    public static DaprApiException SecretGet(string key, string store, string detail) =>
        new("ERR_SECRET_GET", 500, StatusCode.Internal, $"failed getting secret with key {key} from secret store {store}: {detail}");
}
