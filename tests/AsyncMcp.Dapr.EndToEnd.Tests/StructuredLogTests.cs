using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// Every log line the library writes about a message carries the message's CloudEvent id (<c>MessageId</c>) and its
/// session (<c>SessionId</c>), in its own properties or in a scope active around it: recorded at every level, from
/// every category of the library and the sample apps, on both sides of a tools/call round trip and the session close.
/// </summary>
public sealed partial class StructuredLogTests : IAsyncLifetime
{
    private readonly LogRecorder _logs = new(category => category.StartsWith("AsyncMcp.Dapr", StringComparison.Ordinal));
    private DaprMcpHarness _harness = null!;

    private static CancellationToken Timeout => TestDeadline.Current;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    public static TheoryData<string, string?> Routes => new()
    {
        { "pubsub", "2025-11-25" },
        { "pubsub", null },
        { "webhook", "2025-11-25" },
        { "actors", "2025-11-25" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_line_of_a_tool_call_round_trip_carries_its_message_id_and_session_id(string route, string? protocolVersion)
    {
        _harness = route switch
        {
            "webhook" => await DaprMcpHarness.StartWithWebhooksAsync(configureApps: Record),
            "actors" => await DaprMcpHarness.StartAsync(new Dictionary<string, string?> { ["Mcp:Sessions:Actors"] = "true" }, configureApps: Record),
            _ => await DaprMcpHarness.StartAsync(configureApps: Record),
        };
        var client = await _harness.ConnectAsync(protocolVersion, cancellationToken: Timeout);
        var sessionId = client.SessionId;
        Assert.Equal(protocolVersion is null, sessionId is null);

        _logs.Recording = true;
        await client.CallToolAsync(LoggingTool, new Dictionary<string, object?> { ["text"] = "logged" }, cancellationToken: Timeout);
        await client.DisposeAsync();

        // The server logs its publish of the answer once the sidecar has taken it, which may be after the client has the
        // answer. With a session, wait for the session's end instead (after the close event): the client may close it
        // while that publish is still in flight, and a publish the session's end cuts short logs nothing.
        if (sessionId is not null)
        {
            await Wait.UntilAsync(() => _logs.Lines.Any(line => line.EventId.Id == 2002), Timeout);
        }
        else
        {
            await Wait.UntilAsync(() => _logs.Lines.Any(line => line.EventId.Id == 1015 && line.Category.EndsWith("SessionOutbox", StringComparison.Ordinal)), Timeout);
        }

        // The gate records a webhook delivery once the client has answered it, after the client logged its receipt.
        if (_harness.Gate is { } gate)
        {
            await Wait.UntilAsync(() => _logs.Lines
                .Where(line => line.EventId.Id == 1016 && line.Category.EndsWith("WebhookReplyEndpoint", StringComparison.Ordinal))
                .SelectMany(line => line.ValuesOf("MessageId").OfType<string>())
                .All(id => gate.Deliveries.Any(delivery => delivery.Headers["webhook-id"] == id)), Timeout);
        }

        _logs.Recording = false;
        var lines = _logs.Lines.ToList();
        foreach (var line in lines)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(line.ToString());
        }

        // The tool's own line, written by user code that knows nothing of Dapr, carries the ids through the scope.
        Assert.Contains(lines, line => line.Category == ToolCategory && line.Text == "echoing logged");

        // Recorded at debug level on both sides: the client's publish of the call and the server's receipt of it.
        Assert.Contains(lines, line => line.EventId.Id == 1015 && line.Level == LogLevel.Debug && line.Category.Contains("PubSubClientSessionTransport", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.EventId.Id == 1016 && line.ValuesOf("Method").Contains("tools/call"));

        // Message ids are the CloudEvent ids that crossed the broker, not JSON-RPC ids.
        var eventIds = EventIdsOnTheBroker();
        foreach (var line in lines)
        {
            Assert.True(line.ValuesOf("MessageId").OfType<string>().Any(eventIds.Contains), $"no CloudEvent id on: {line}");
            var sessions = line.ValuesOf("SessionId").ToList();
            if (sessionId is null)
            {
                // 2026-07-28 has no sessions: the property is there, empty.
                Assert.True(line.Properties.Any(p => p.Key == "SessionId"), $"no SessionId property on: {line}");
            }
            else
            {
                Assert.True(sessions.Contains(sessionId), $"no session id on: {line}");
            }
        }
    }

    private const string LoggingTool = "echo_logged";
    private const string ToolCategory = "AsyncMcp.Dapr.EndToEnd.Tests.Tool";

    private void Record(WebApplicationBuilder builder)
    {
        _logs.AddTo(builder);
        builder.Services.AddSingleton(McpServerTool.Create(
            (string text, McpServer server) =>
            {
#pragma warning disable CA1848, CA2254 // a tool as a user writes it
                server.Services!.GetRequiredService<ILoggerFactory>().CreateLogger(ToolCategory).LogInformation("echoing " + text);
#pragma warning restore CA1848, CA2254
                return text;
            },
            new McpServerToolCreateOptions { Name = LoggingTool }));
    }

    // The ids of the CloudEvents on every topic: requests, replies, and (with webhooks) what the sidecar sent on.
    private HashSet<string> EventIdsOnTheBroker()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topic in new[] { DaprMcpHarness.ServerTopic, "mcp-replies-client" })
        {
            foreach (var message in _harness.Emulator.Published(DaprMcpHarness.PubSub, topic))
            {
                using var cloudEvent = JsonDocument.Parse(message.Body);
                ids.Add(cloudEvent.RootElement.GetProperty("id").GetString()!);
            }
        }

        // Webhook replies do not cross the broker; the gate saw their ids.
        foreach (var delivery in _harness.Gate?.Deliveries ?? [])
        {
            ids.Add(delivery.Headers["webhook-id"]);
        }

        Assert.All(ids, id => Assert.Matches(HexId(), id));
        return ids;
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex HexId();
}
