using System.Diagnostics;
using AsyncMcp.Dapr.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AsyncMcp.Dapr.EndToEnd.Tests;

/// <summary>
/// One MCP request is one trace across every hop: client, publish, delivery, session, tool, reply. Collected by the
/// OpenTelemetry SDK's in-memory exporter with the sources the docs tell users to add.
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private static readonly ActivitySource TestSource = new("AsyncMcp.Dapr.EndToEnd.Tests");
    private readonly ExportedSpans _exported = new();
    private TracerProvider _tracing = null!;
    private DaprMcpHarness _harness = null!;

    public async ValueTask InitializeAsync()
    {
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(McpDaprTelemetry.ActivitySourceName, "Experimental.ModelContextProtocol", TestSource.Name)
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(_exported)
            .Build()!;
        _harness = await DaprMcpHarness.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        _tracing.Dispose();
    }

    private List<Activity> Exported(ActivityTraceId traceId) => _exported.Snapshot().Where(span => span.TraceId == traceId).ToList();

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
            trace = Exported(traceId);
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
