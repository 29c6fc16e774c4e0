using System.Runtime.CompilerServices;
using AsyncMcp.Dapr.Client.Tasks;
using ModelContextProtocol.Client;

namespace AsyncMcp.Dapr.Benchmarks;

/// <summary>One way of reaching the sample server, and the direct path its ratios are taken against.</summary>
/// <param name="Key">The name <c>--paths</c> selects it by.</param>
/// <param name="Label">The name in the tables.</param>
/// <param name="Baseline">The key of the direct path with the same protocol generation, or null for a direct path.</param>
/// <param name="Connect">Opens one client session.</param>
internal sealed record BenchPath(string Key, string Label, string? Baseline, Func<CancellationToken, Task<McpClient>> Connect)
{
    /// <summary>The generation with sessions (<c>initialize</c>, <c>Mcp-Session-Id</c>), the one durable session hosts serve.</summary>
    public const string SessionProtocol = "2025-11-25";

    private static readonly Dictionary<string, object?> NoOpArguments = new() { ["text"] = "x" };

    private static readonly byte[] LoopbackBody = System.Text.Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""");

    /// <summary>
    /// The HTTP or gRPC exchanges one call makes at the least (request and answer each one way): 1 for a direct path,
    /// each hop through a sidecar one more; <see langword="null"/> where it varies (workflows, tasks).
    /// </summary>
    public int? Exchanges { get; init; }

    /// <summary>
    /// The key of the pub/sub path this path does all the work of and adds exchanges to (the proxy adds its front to
    /// <c>pubsub</c>, actor sessions the actor call and the save to <c>pubsub-sessions</c>), or null.
    /// </summary>
    public string? Beneath { get; init; }

    /// <summary>One call of the closed loop: the no-op tool <c>echo</c>, unless the path says otherwise.</summary>
    public Func<McpClient, Task> Call { get; init; } = client => client.CallToolAsync("echo", NoOpArguments).AsTask();

    /// <summary>Every path, in the order a round runs them.</summary>
    public static IReadOnlyList<BenchPath> All(BenchEnvironment environment) =>
    [
        new("direct", BenchmarkReport.DirectPath, null, token => environment.ConnectDirectAsync(null, token)) { Exchanges = 1 },
        // client → proxy, proxy → sidecar (publish), sidecar → server, server → sidecar (publish), sidecar → proxy.
        new("proxy", "async: proxy → pub/sub → server", "direct", token => environment.ConnectProxyAsync(null, token)) { Exchanges = 5, Beneath = "pubsub" },
        new("pubsub", "async: Dapr pub/sub", "direct", token => environment.ConnectPubSubAsync(null, token)) { Exchanges = 4 },
        // The answer: server → sidecar (binding), sidecar → client's webhook.
        new("webhook", "async: pub/sub + webhook replies", "direct", token => environment.ConnectWebhookAsync(null, token)) { Exchanges = 4 },
        // Not an MCP path: one HTTP exchange on loopback with a tools/call-sized body and no MCP work, the unit each hop
        // of the other paths costs at least (the client it opens is not used).
        new("loopback", BenchmarkReport.LoopbackPath, null, token => environment.ConnectDirectAsync(null, token))
        {
            Call = async _ =>
            {
                using var content = new ByteArrayContent(LoopbackBody);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await environment.LoopbackClient.PostAsync(environment.LoopbackEndpoint, content);
                await response.Content.ReadAsByteArrayAsync();
            },
        },
        // Not an MCP path either: the pub/sub path's four exchanges, codec and publisher with no MCP client, server or
        // session host; the pub/sub path's cost beyond it is the MCP layers' (the client it opens is not used).
        new("pubsub-transport", BenchmarkReport.PubSubTransportPath, "direct", token => environment.ConnectDirectAsync(null, token))
        {
            Exchanges = 4,
            Call = _ => environment.RoundTrip.CallAsync(),
        },
        // The same round trip with both deliveries on streaming subscriptions: two publish exchanges and two stream
        // messages, which have no bare exchange to be measured against (no ceiling).
        new("pubsub-stream", "pub/sub round trip over streaming subscriptions, no MCP", "direct", token => environment.ConnectDirectAsync(null, token))
        {
            Call = _ => environment.StreamedRoundTrip.CallAsync(),
        },
        new("sessions", BenchmarkReport.DirectSessionPath, null, token => environment.ConnectDirectAsync(SessionProtocol, token)) { Exchanges = 1 },
        new("pubsub-sessions", "async: pub/sub, in-memory sessions (2025-11-25)", "sessions", token => environment.ConnectPubSubAsync(SessionProtocol, token)) { Exchanges = 4 },
        // Beyond pub/sub: the actor call (server → sidecar → server) and the record's save (server → sidecar).
        new("actors", "async: pub/sub, actor sessions (2025-11-25)", "sessions", token => environment.ConnectActorSessionsAsync(SessionProtocol, token)) { Exchanges = 7, Beneath = "pubsub-sessions" },
        new("workflows", "async: pub/sub, workflow sessions (2025-11-25)", "sessions", token => environment.ConnectWorkflowSessionsAsync(SessionProtocol, token)),
        // The same no-op tool as an MCP task: created durably (a workflow instance), run in an activity, its result
        // fetched with tasks/result, which the server holds until the task has ended.
        new("tasks", "async: pub/sub, echo as an MCP task (2025-11-25)", "sessions", token => environment.ConnectPubSubAsync(SessionProtocol, token))
        {
            Call = async client =>
            {
                var task = await client.CallToolAsTaskAsync("echo", NoOpArguments);
                await client.GetTaskResultAsync(task.TaskId);
            },
        },
        // Only the create answer (CreateTaskResult), which comes once the workflow instance is scheduled durably; the
        // tasks run on in the background, so this path runs after the others of a round.
        new("task-create", "async: pub/sub, tools/call → CreateTaskResult (2025-11-25)", "sessions", token => environment.ConnectPubSubAsync(SessionProtocol, token))
        {
            Call = client => client.CallToolAsTaskAsync("echo", NoOpArguments),
        },
        // tasks/get of one ended task per session: a read of the workflow instance's state.
        new("task-get", "async: pub/sub, tasks/get (2025-11-25)", "sessions", token => environment.ConnectPubSubAsync(SessionProtocol, token))
        {
            Call = async client => await client.GetTaskAsync(await EndedTasks.GetValue(client, EndedTaskAsync)),
        },
    ];

    // One ended task per client session, created on the session's first call (the warm-up absorbs it).
    private static readonly ConditionalWeakTable<McpClient, Task<string>> EndedTasks = [];

    private static async Task<string> EndedTaskAsync(McpClient client)
    {
        var task = await client.CallToolAsTaskAsync("echo", NoOpArguments);
        await client.GetTaskResultAsync(task.TaskId);
        return task.TaskId;
    }
}
