using System.Collections.Concurrent;
using System.Diagnostics;
using AsyncMcp.Dapr.Diagnostics;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>One MCP request is one trace across every hop: client, publish, delivery, session, tool, reply.</summary>
public sealed class TracingTests : IAsyncLifetime
{
    private static readonly ActivitySource TestSource = new("AsyncMcp.Dapr.EndToEnd.Tests");
    private readonly ConcurrentQueue<Activity> _spans = new();
    private ActivityListener _listener = null!;
    private DaprMcpHarness _harness = null!;

    public async ValueTask InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is McpDaprTelemetry.ActivitySourceName or "Experimental.ModelContextProtocol" or "AsyncMcp.Dapr.EndToEnd.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _harness = await DaprMcpHarness.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        _listener.Dispose();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task A_tool_call_yields_one_trace_with_a_span_for_every_hop(string? protocolVersion)
    {
        var timeout = TestDeadline.Current;
        await using var client = await _harness.ConnectAsync(protocolVersion, cancellationToken: timeout);

        ActivityTraceId traceId;
        using (var root = TestSource.StartActivity("user asks for echo"))
        {
            traceId = root!.TraceId;
            await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "traced" }, cancellationToken: timeout);
        }

        // The client's consumer span ends just after the result is handed over: wait for it.
        List<Activity> trace = [];
        while (!trace.Any(span => span.DisplayName == "process response" && span.Kind == ActivityKind.Consumer))
        {
            await Task.Delay(20, timeout);
            trace = _spans.Where(span => span.TraceId == traceId).ToList();
        }

        var names = trace.Select(span => (span.DisplayName, span.Kind)).ToList();
        Assert.Contains(("publish tools/call", ActivityKind.Producer), names);
        Assert.Contains(("process tools/call", ActivityKind.Consumer), names);
        Assert.Contains(("publish response", ActivityKind.Producer), names);
        Assert.Contains(("process response", ActivityKind.Consumer), names);
        // The MCP SDK's own span of the tool call on the server joins the same trace.
        Assert.Contains(trace, span => span.Source.Name == "Experimental.ModelContextProtocol" && span.Kind == ActivityKind.Server);
        var serverProcess = trace.First(span => span.DisplayName == "process tools/call");
        Assert.Equal("tools/call", serverProcess.GetTagItem("mcp.method.name"));
        Assert.Equal(protocolVersion is null ? null : client.SessionId, serverProcess.GetTagItem("mcp.session.id"));
    }
}
