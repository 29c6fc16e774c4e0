using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AsyncMcp.Dapr.Client;

/// <summary>The scripted round trip the sample client shows: every kind of MCP exchange, once.</summary>
public sealed class ClientDemo(PubSubClientTransport transport, TextWriter output)
{
    /// <summary>Runs the demo against the server.</summary>
    /// <param name="protocolVersion">A pinned protocol version (e.g. 2025-11-25), or <see langword="null"/> for the SDK's default.</param>
    /// <param name="slowJobSteps">How many steps the slow job runs.</param>
    /// <param name="cancellationToken">Stops the demo.</param>
    public async Task RunAsync(string? protocolVersion, int slowJobSteps, CancellationToken cancellationToken)
    {
        var options = new McpClientOptions
        {
            ProtocolVersion = protocolVersion,
            ClientInfo = new Implementation { Name = "asyncmcp-dapr-sample-client", Version = "1.0.0" },
            Handlers = new McpClientHandlers
            {
                // The sample has no language model: it answers sampling requests with a fixed text.
                SamplingHandler = (request, _, _) => ValueTask.FromResult(new CreateMessageResult
                {
                    Model = "sample-client-canned",
                    Role = Role.Assistant,
                    Content = [new TextContentBlock { Text = "a short summary" }],
                }),
                // The sample has no user to ask: it accepts every elicitation.
                ElicitationHandler = (request, _) => ValueTask.FromResult(new ElicitResult
                {
                    Action = "accept",
                    Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) },
                }),
            },
        };

        await using var client = await transport.CreateClientAsync(options, cancellationToken);
        await output.WriteLineAsync($"connected to {client.ServerInfo?.Name} over {transport.Name}, protocol {client.NegotiatedProtocolVersion}");

        var tools = await client.ListToolsAsync(cancellationToken: cancellationToken);
        await output.WriteLineAsync($"tools: {string.Join(", ", tools.Select(tool => tool.Name))}");

        await output.WriteLineAsync($"echo: {Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "hello over Dapr" }, cancellationToken: cancellationToken))}");

        var progress = new Progress<ProgressNotificationValue>(value => output.WriteLine($"  progress {value.Progress}/{value.Total}: {value.Message}"));
        var job = await client.CallToolAsync("slow_job", new Dictionary<string, object?> { ["steps"] = slowJobSteps }, progress, cancellationToken: cancellationToken);
        await output.WriteLineAsync($"slow_job: {Text(job)}");

        await output.WriteLineAsync($"summarize: {Text(await client.CallToolAsync("summarize", new Dictionary<string, object?> { ["text"] = "MCP over Dapr pub/sub" }, cancellationToken: cancellationToken))}");
        await output.WriteLineAsync($"confirm_action: {Text(await client.CallToolAsync("confirm_action", new Dictionary<string, object?> { ["action"] = "deploy" }, cancellationToken: cancellationToken))}");

        var status = await client.ReadResourceAsync("status://server", cancellationToken: cancellationToken);
        await output.WriteLineAsync($"resource status://server: {status.Contents.OfType<TextResourceContents>().FirstOrDefault()?.Text}");

        var prompt = await client.GetPromptAsync("review_code", new Dictionary<string, object?> { ["code"] = "x = 1" }, cancellationToken: cancellationToken);
        await output.WriteLineAsync($"prompt review_code: {prompt.Messages.Count} message(s)");
        await output.WriteLineAsync("done");
    }

    private static string Text(CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text)) + (result.IsError == true ? " (error)" : string.Empty);
}
