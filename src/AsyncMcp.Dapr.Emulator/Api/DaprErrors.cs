using Grpc.Core;

namespace AsyncMcp.Dapr.Emulator.Api;

/// <summary>
/// The errors daprd returns, with its codes, statuses and messages
/// (dapr/dapr pkg/api/errors/pubsub.go, pkg/api/errors/state.go, pkg/messages).
/// </summary>
internal static class DaprErrors
{
    // The pubsub errors are built with dapr/kit's error builder (daprd 1.14 and later): each carries an ErrorInfo whose
    // reason is in pkg/messages/errorcodes/errorcodes.go, and all but NotFound a ResourceInfo naming the pubsub.

    public static DaprApiException PubSubEmpty(IReadOnlyDictionary<string, string> metadata) =>
        PubSub("ERR_PUBSUB_EMPTY", "DAPR_PUBSUB_NAME_EMPTY", 404, "pubsub name is empty", metadata, pubSubName: string.Empty);

    public static DaprApiException PubSubNotFound(string name, IReadOnlyDictionary<string, string> metadata) =>
        PubSub("ERR_PUBSUB_NOT_FOUND", "DAPR_PUBSUB_NOT_FOUND", 404, $"pubsub {name} is not found", metadata, pubSubName: null);

    public static DaprApiException TopicEmpty(string name, IReadOnlyDictionary<string, string> metadata) =>
        PubSub("ERR_TOPIC_NAME_EMPTY", "DAPR_PUBSUB_TOPIC_NAME_EMPTY", 404, $"topic is empty in pubsub {name}", metadata, name);

    public static DaprApiException CloudEventCreation(string pubSubName, string appId, string error) =>
        PubSub("ERR_PUBSUB_CLOUD_EVENTS_SER", "DAPR_PUBSUB_CLOUD_EVENT_CREATION", 500, "cannot create cloudevent",
            new Dictionary<string, string> { ["appID"] = appId, ["error"] = error }, pubSubName);

    /// <summary>A bulk publish entry without an id, or with another entry's (PubSubTopicError.MarshalEvents).</summary>
    public static DaprApiException BulkPublishEntryId(string pubSubName, string topic, string appId)
    {
        const string Error = "entryId is duplicated or not present for entry";
        return PubSub("ERR_PUBSUB_EVENTS_SER", "DAPR_PUBSUB_MARSHAL_EVENTS", 400,
            $"error marshaling events to bytes for topic {topic} pubsub {pubSubName}. error: {Error}",
            new Dictionary<string, string> { ["appID"] = appId, ["error"] = Error }, pubSubName);
    }

    // PubSubMetadataError.build: every one of these is gRPC InvalidArgument; its ResourceInfo (left out for a null
    // pubSubName) describes the resource with the error's message.
    private static DaprApiException PubSub(string code, string reason, int httpStatus, string message, IReadOnlyDictionary<string, string> metadata, string? pubSubName) =>
        new(code, httpStatus, StatusCode.InvalidArgument, message)
        {
            Details = new DaprErrorDetails(reason, metadata) { Resource = pubSubName is null ? null : new ErrorResource("pubsub", pubSubName, message) },
        };

    // pkg/api/errors/state.go NotFound and NotConfigured: an ErrorInfo with the app id, no ResourceInfo.
    public static DaprApiException StateStoreNotFound(string name, string appId) =>
        new("ERR_STATE_STORE_NOT_FOUND", 400, StatusCode.InvalidArgument, $"state store {name} is not found")
        {
            Details = new DaprErrorDetails("DAPR_STATE_NOT_FOUND", new Dictionary<string, string> { ["appID"] = appId }),
        };

    public static DaprApiException StateStoresNotConfigured(string name, string appId) =>
        new("ERR_STATE_STORE_NOT_CONFIGURED", 500, StatusCode.FailedPrecondition, $"state store {name} is not configured")
        {
            Details = new DaprErrorDetails("DAPR_STATE_NOT_CONFIGURED", new Dictionary<string, string> { ["appID"] = appId }),
        };

    /// <summary>
    /// A state key with daprd's separator (pkg/api/errors/state.go InvalidKeyName): a field violation naming the key, a
    /// ResourceInfo naming the store (with an empty description), the reason DAPR_STATE_ILLEGAL_KEY and no metadata.
    /// </summary>
    public static DaprApiException InvalidKeyName(string storeName, string key, string message) =>
        new("ERR_MALFORMED_REQUEST", 400, StatusCode.InvalidArgument, message)
        {
            Details = new DaprErrorDetails("DAPR_STATE_ILLEGAL_KEY", null)
            {
                FieldViolation = new ErrorFieldViolation(key, message),
                Resource = new ErrorResource("state", storeName, string.Empty),
            },
        };

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
