using System.Collections.Concurrent;
using System.ComponentModel;
using AsyncMcp.Dapr.Workflows.Tasks;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>
/// Task tools that count their runs per key and hold until the test releases the key: shared by every replica in the
/// test process, so that a test sees a tool run again on another replica.
/// </summary>
[McpServerToolType]
public sealed class HeldTools
{
    private static readonly ConcurrentDictionary<string, int> RunCounts = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Gates = new();

    public static int RunsOf(string key) => RunCounts.TryGetValue(key, out var runs) ? runs : 0;

    public static void Release(string key) => Gates.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    [McpServerTool(Name = "held_job"), McpTask, Description("Not idempotent: counts a run, then holds.")]
    public static Task<string> HeldJobAsync(string key, CancellationToken cancellationToken) => HoldAsync(key, cancellationToken);

    [McpServerTool(Name = "held_idempotent_job", Idempotent = true), McpTask, Description("Idempotent: counts a run, holds, then reports its progress.")]
    public static async Task<string> HeldIdempotentJobAsync(string key, IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken)
    {
        var done = await HoldAsync(key, cancellationToken);
        progress.Report(new ProgressNotificationValue { Progress = 1, Total = 1, Message = "released" });
        return done;
    }

    [McpServerTool(Name = "held_ask"), McpTask, Description("Holds, asks the user for a word (elicitation), holds again, then answers with the word.")]
    public static async Task<string> HeldAskAsync(McpServer server, string key, CancellationToken cancellationToken)
    {
        await HoldAsync(key, cancellationToken);
        var answer = await server.ElicitAsync(
            new ElicitRequestParams
            {
                Message = "Which word?",
                RequestedSchema = new ElicitRequestParams.RequestSchema { Properties = { ["word"] = new ElicitRequestParams.StringSchema() } },
            },
            cancellationToken);
        await HoldAsync(key + "/after", cancellationToken);
        return $"{key} heard {answer.Action}: {answer.Content?["word"].GetString()}";
    }

    [McpServerTool(Name = "held_sample"), McpTask, Description("Holds, asks the client's model (sampling), then answers with its text.")]
    public static async Task<string> HeldSampleAsync(McpServer server, string key, CancellationToken cancellationToken)
    {
        await HoldAsync(key, cancellationToken);
        var result = await server.SampleAsync(
            new CreateMessageRequestParams
            {
                Messages = [new SamplingMessage { Role = Role.User, Content = [new TextContentBlock { Text = "Name a colour." }] }],
                MaxTokens = 10,
            },
            cancellationToken);
        return $"{key} sampled from {result.Model}: {string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text))}";
    }

    [McpServerTool(Name = "big_result", ReadOnly = true, Idempotent = true), McpTask, Description("Returns a text of the given size.")]
    public static string BigResult(int kibibytes) => new('x', kibibytes * 1024);

    private static async Task<string> HoldAsync(string key, CancellationToken cancellationToken)
    {
        var run = RunCounts.AddOrUpdate(key, 1, (_, runs) => runs + 1);
        await Gates.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(cancellationToken);
        return $"{key} done in run {run}";
    }
}
