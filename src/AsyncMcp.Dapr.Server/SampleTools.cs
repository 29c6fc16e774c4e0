using System.ComponentModel;
using System.Text.Json;
using AsyncMcp.Dapr.Workflows.Tasks;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Server;

/// <summary>The sample server's tools: each shows something a held-open connection makes hard.</summary>
[McpServerToolType]
public sealed class SampleTools(IOptions<SampleServerOptions> options)
{
    /// <summary>Answers at once.</summary>
    [McpServerTool(Name = "echo", ReadOnly = true, Idempotent = true), Description("Returns the text it is given.")]
    public static string Echo([Description("The text to return.")] string text) => text;

    /// <summary>Works for a while, reporting progress and logging, and stops when cancelled.</summary>
    [McpServerTool(Name = "slow_job"), McpTask(McpTaskSupport.Optional), Description("Runs a job that takes a while and reports its progress; may run as an MCP task.")]
    public async Task<string> SlowJobAsync(
        McpServer server,
        IProgress<ProgressNotificationValue> progress,
        [Description("How many steps the job has.")] int steps = 5,
        [Description("Milliseconds per step; the server's default when omitted.")] int? stepMilliseconds = null,
        CancellationToken cancellationToken = default)
    {
        if (steps is < 1 or > 10_000)
        {
            throw new McpException("steps must be between 1 and 10000.");
        }

        var delay = TimeSpan.FromMilliseconds(stepMilliseconds ?? options.Value.SlowJobStepMilliseconds);
        for (var step = 1; step <= steps; step++)
        {
            await Task.Delay(delay, cancellationToken);
            progress.Report(new ProgressNotificationValue { Progress = step, Total = steps, Message = $"step {step} of {steps}" });
            await server.SendNotificationAsync(
                NotificationMethods.LoggingMessageNotification,
                new LoggingMessageNotificationParams
                {
                    Level = LoggingLevel.Info,
                    Logger = "slow_job",
                    Data = JsonSerializer.SerializeToElement($"finished step {step} of {steps}", McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(string))),
                },
                cancellationToken: cancellationToken);
        }

        return $"job done after {steps} steps";
    }

    /// <summary>Asks the client's model for a summary (sampling).</summary>
    [McpServerTool(Name = "summarize"), Description("Asks the client's language model to summarize a text.")]
    public static async Task<string> SummarizeAsync(McpServer server, [Description("The text to summarize.")] string text, CancellationToken cancellationToken)
    {
        var result = await server.SampleAsync(
            new CreateMessageRequestParams
            {
                Messages = [new SamplingMessage { Role = Role.User, Content = [new TextContentBlock { Text = $"Summarize: {text}" }] }],
                MaxTokens = 200,
            },
            cancellationToken);
        var summary = string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text));
        return $"summary from {result.Model}: {summary}";
    }

    /// <summary>Asks the user to confirm (elicitation).</summary>
    [McpServerTool(Name = "confirm_action"), Description("Asks the user to confirm an action before it is taken.")]
    public static async Task<string> ConfirmActionAsync(McpServer server, [Description("The action to confirm.")] string action, CancellationToken cancellationToken)
    {
        var result = await server.ElicitAsync(
            new ElicitRequestParams
            {
                Message = $"Do you want to {action}?",
                RequestedSchema = new ElicitRequestParams.RequestSchema
                {
                    Properties = { ["confirm"] = new ElicitRequestParams.BooleanSchema { Description = "Yes to go ahead." } },
                    Required = ["confirm"],
                },
            },
            cancellationToken);
        var confirmed = result.Action == "accept" && result.Content is { } content &&
            content.TryGetValue("confirm", out var value) && value.ValueKind == JsonValueKind.True;
        return confirmed ? $"confirmed: {action}" : $"not confirmed ({result.Action}): {action}";
    }
}
