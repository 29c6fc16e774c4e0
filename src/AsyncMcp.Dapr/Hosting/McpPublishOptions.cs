namespace AsyncMcp.Dapr.Hosting;

/// <summary>
/// How an app publishes its messages to the Dapr sidecar (configuration section <see cref="Section"/>). A publish goes
/// out at once while fewer than <see cref="MaxConcurrentPublishes"/> publishes to its topic are under way (four by
/// default); publishes that arrive beyond that wait for
/// one of them to end and then go out together, as one call to daprd's bulk publish API. Under load that turns many
/// sidecar calls into a few, with no delay when the app is quiet.
/// </summary>
public sealed class McpPublishOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string Section = "Mcp:Publish";

    /// <summary>
    /// Whether publishes to one topic that wait behind the <see cref="MaxConcurrentPublishes"/> under way go out
    /// together through daprd's bulk publish API
    /// (gRPC <c>BulkPublishEvent</c>, or <c>BulkPublishEventAlpha1</c> before it left alpha; Dapr 1.10 and later). Default <see langword="true"/>.
    /// With <see langword="false"/> every message is a call of its own, as many at once as there are messages. A
    /// sidecar without the bulk API, or whose gRPC endpoint cannot be reached, is detected on the first batch: its
    /// messages, and all after them, are published one by one.
    /// </summary>
    public bool BulkPublish { get; set; } = true;

    /// <summary>
    /// How many publish calls to one topic may be under way before the next messages wait and go out together, as one
    /// bulk publish when a call ends. Default 4: up to four messages at once go out one by one, as without bulk
    /// publish, and only a busier topic batches. 1 batches from the second message on (group commit), which saves the
    /// most calls under heavy load but makes messages wait at moderate load, where the batches are of two or three; on
    /// two cores that cost 8 closed-loop sessions a fifth of their throughput and gained 64 a quarter
    /// (docs/benchmarks.md).
    /// </summary>
    public int MaxConcurrentPublishes { get; set; } = 4;

    /// <summary>
    /// The most messages one bulk publish carries. Default 100, the number of messages daprd publishes to a broker at
    /// once for a component without a bulk API of its own (every component this project ships: SNS/SQS, Redis,
    /// in-memory).
    /// </summary>
    public int MaxBulkMessages { get; set; } = 100;

    /// <summary>
    /// The most bytes of messages one bulk publish carries. Default 1 MiB: a quarter of daprd's default limit on a
    /// request body (<c>--max-body-size</c>, 4 MiB). A message larger than this goes out alone.
    /// </summary>
    public int MaxBulkBytes { get; set; } = 1024 * 1024;
}
