namespace AsyncMcp.Dapr.Environments.Tests;

/// <summary>
/// The metadata keys Dapr documents, per component type: the checked list the component files are held to.
/// Sources: dapr/components-contrib {type}/metadata.yaml (metadata and authenticationProfiles), its
/// .build-tools/builtin-authentication-profiles.yaml ("aws": region, accessKey, secretKey, sessionToken, ...), and the
/// keys daprd itself reads for every component of a kind (state: actorStateStore, keyPrefix; pub/sub: consumerID;
/// docs.dapr.io "State management API", "Component schema"). daprd matches keys without regard to case.
/// </summary>
internal static class DocumentedMetadata
{
    private static readonly string[] StateBuiltIn = ["actorStateStore", "keyPrefix"];
    private static readonly string[] PubSubBuiltIn = ["consumerID"];
    private static readonly string[] AwsProfile = ["region", "awsRegion", "accessKey", "secretKey", "sessionToken", "assumeRoleArn", "sessionName"];

    public static readonly IReadOnlyDictionary<string, HashSet<string>> Keys = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
    {
        // pubsub/redis/metadata.yaml
        ["pubsub.redis"] = Set(PubSubBuiltIn,
            "redisHost", "redisUsername", "redisPassword", "sentinelUsername", "sentinelPassword", "enableTLS", "clientCert",
            "clientKey", "redeliverInterval", "processingTimeout", "ackOnError", "queueDepth", "concurrency", "redisType",
            "redisDB", "redisMaxRetries", "redisMinRetryInterval", "redisMaxRetryInterval", "dialTimeout", "readTimeout",
            "writeTimeout", "poolSize", "poolTimeout", "maxConnAge", "minIdleConns", "idleCheckFrequency", "idleTimeout",
            "failover", "sentinelMasterName", "maxLenApprox", "streamTTL", "useEntraID"),
        // state/redis/metadata.yaml (capability actorStateStore)
        ["state.redis"] = Set(StateBuiltIn,
            "redisHost", "redisPassword", "redisUsername", "enableTLS", "clientCert", "clientKey", "failover",
            "sentinelMasterName", "redeliverInterval", "processingTimeout", "redisType", "redisDB", "redisMaxRetries",
            "redisMinRetryInterval", "redisMaxRetryInterval", "dialTimeout", "readTimeout", "writeTimeout", "poolSize",
            "poolTimeout", "maxConnAge", "minIdleConns", "idleCheckFrequency", "idleTimeout", "ttlInSeconds", "queryIndexes"),
        // pubsub/aws/snssqs/metadata.yaml
        ["pubsub.aws.snssqs"] = Set([.. PubSubBuiltIn, .. AwsProfile],
            "endpoint", "messageVisibilityTimeout", "messageReceiveLimit", "messageRetryLimit", "sqsDeadLettersQueueName",
            "messageWaitTimeSeconds", "messageMaxNumber", "fifo", "fifoMessageGroupID", "disableEntityManagement",
            "disableDeleteOnRetryLimit", "assetsManagementTimeoutSeconds", "concurrencyMode", "accountid", "consumerid"),
        // state/aws/dynamodb/metadata.yaml; actorStateStore: docs.dapr.io setup-dynamodb
        ["state.aws.dynamodb"] = Set([.. StateBuiltIn, .. AwsProfile],
            "table", "endpoint", "ttlAttributeName", "ttlInSeconds", "partitionKey"),
        // bindings/http/metadata.yaml
        ["bindings.http"] = Set([],
            "url", "responseTimeout", "maxResponseBodySize", "MTLSRootCA", "MTLSClientCert", "MTLSClientKey",
            "MTLSRenegotiation", "securityToken", "securityTokenHeader", "errorIfNot2XX"),
        // secretstores/local/file/metadata.yaml
        ["secretstores.local.file"] = Set([], "secretsFile", "nestedSeparator", "multiValued"),
        // secretstores/local/env/metadata.yaml
        ["secretstores.local.env"] = Set([], "prefix"),
        // secretstores/aws/secretmanager/metadata.yaml (builtin profile "aws")
        ["secretstores.aws.secretsmanager"] = Set(AwsProfile, "endpoint", "multipleKeyValuesPerSecret"),
    };

    /// <summary>Keys of spec in a Subscription (dapr.io/v2alpha1; docs.dapr.io "Subscription spec").</summary>
    public static readonly HashSet<string> SubscriptionSpec = new(StringComparer.Ordinal)
    {
        "pubsubname", "topic", "routes", "metadata", "deadLetterTopic", "bulkSubscribe",
    };

    /// <summary>Keys of spec.policies.retries.* in a Resiliency (docs.dapr.io "Resiliency policies").</summary>
    public static readonly HashSet<string> RetryPolicy = new(StringComparer.Ordinal) { "policy", "duration", "maxInterval", "maxRetries", "matching" };

    /// <summary>Keys of spec.policies.circuitBreakers.* in a Resiliency.</summary>
    public static readonly HashSet<string> CircuitBreakerPolicy = new(StringComparer.Ordinal) { "maxRequests", "interval", "timeout", "trip" };

    private static HashSet<string> Set(string[] shared, params string[] keys) =>
        new(shared.Concat(keys), StringComparer.OrdinalIgnoreCase);
}
