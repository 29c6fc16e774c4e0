using System.ComponentModel;
#if (Tasks)
using AsyncMcp.Dapr.Workflows.Tasks;
#endif
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcpDaprServer.Tools;

/// <summary>
/// A slow, batchy tool: the kind that makes a held-open connection a liability. Over Dapr pub/sub the call may take as
/// long as it needs; the client sees progress after every item and may cancel at any time.
/// </summary>
[McpServerToolType]
public sealed class BatchTools(IOptions<BatchToolOptions> options)
{
    /// <summary>Processes the items one by one, reporting progress after each.</summary>
#if (Tasks)
    // May run as an MCP task when the client asks for one; an ordinary call otherwise.
    [McpServerTool(Name = "process_batch"), McpTask(McpTaskSupport.Optional), Description("Processes a batch of items one by one and reports progress after each item.")]
#else
    [McpServerTool(Name = "process_batch"), Description("Processes a batch of items one by one and reports progress after each item.")]
#endif
    public async Task<string> ProcessBatchAsync(
        IProgress<ProgressNotificationValue> progress,
        [Description("The items to process.")] string[] items,
        CancellationToken cancellationToken)
    {
        if (items.Length is 0 or > 1000)
        {
            throw new McpException("Give between 1 and 1000 items.");
        }

        var processed = new List<string>(items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            // Replace this with the real work: a report, a model call, a job on a queue.
            await Task.Delay(options.Value.ItemMilliseconds, cancellationToken);
            processed.Add(items[i].ToUpperInvariant());
            progress.Report(new ProgressNotificationValue { Progress = i + 1, Total = items.Length, Message = $"processed {items[i]}" });
        }

        return $"processed {items.Length} items: {string.Join(", ", processed)}";
    }
}
