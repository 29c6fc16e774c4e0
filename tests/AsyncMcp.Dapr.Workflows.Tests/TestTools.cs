using System.ComponentModel;
using AsyncMcp.Dapr.Workflows.Tasks;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>Tools of every task support, result kind and failure, for the task tests.</summary>
[McpServerToolType]
public sealed class TestTools
{
    /// <summary>Counts how often each tool body ran (for the at-most-once checks).</summary>
    public static int Runs => Volatile.Read(ref s_runs);

    private static int s_runs;

    [McpServerTool(Name = "optional_job"), McpTask(McpTaskSupport.Optional), Description("Waits, reports progress, answers.")]
    public static async Task<string> OptionalJobAsync(IProgress<ProgressNotificationValue> progress, int steps = 2, int stepMilliseconds = 10, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref s_runs);
        for (var step = 1; step <= steps; step++)
        {
            await Task.Delay(stepMilliseconds, cancellationToken);
            progress.Report(new ProgressNotificationValue { Progress = step, Total = steps });
        }

        return $"done after {steps} steps";
    }

    [McpServerTool(Name = "required_job", Idempotent = true), McpTask(McpTaskSupport.Required), Description("Runs only as a task.")]
    public static string RequiredJob(string text = "x")
    {
        Interlocked.Increment(ref s_runs);
        return "required: " + text;
    }

    [McpServerTool(Name = "plain"), Description("Never a task.")]
    public static string Plain() => "plain";

    [McpServerTool(Name = "tool_error"), McpTask, Description("Answers with isError.")]
    public static CallToolResult ToolError() => new() { IsError = true, Content = [new TextContentBlock { Text = "the input was wrong" }] };

    [McpServerTool(Name = "protocol_error"), McpTask, Description("Fails with a JSON-RPC error.")]
    public static string ProtocolError() => throw new McpProtocolException("no such record", McpErrorCode.InvalidParams);

    [McpServerTool(Name = "ask_user"), McpTask, Description("Elicits a confirmation.")]
    public static async Task<string> AskUserAsync(McpServer server, CancellationToken cancellationToken)
    {
        var answer = await server.ElicitAsync(
            new ElicitRequestParams
            {
                Message = "Go ahead?",
                RequestedSchema = new ElicitRequestParams.RequestSchema { Properties = { ["ok"] = new ElicitRequestParams.BooleanSchema() } },
            },
            cancellationToken);
        return "answer: " + answer.Action;
    }
}
