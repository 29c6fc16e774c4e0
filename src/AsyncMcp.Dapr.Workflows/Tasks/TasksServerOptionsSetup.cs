using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Tasks;

/// <summary>Plugs tasks into the MCP server's options: the call filter, the <c>tasks/*</c> handlers, the capability, the message filters and the task listen streams.</summary>
internal sealed class TasksServerOptionsSetup(TaskCallFilter callFilter, TaskMethodHandlers handlers, TaskMessageFilters messageFilters, TaskSubscriptions subscriptions)
    : IConfigureOptions<McpServerOptions>
{
    public void Configure(McpServerOptions options)
    {
        options.Capabilities ??= new ServerCapabilities();
        options.Capabilities.Extensions ??= new Dictionary<string, object>();
        options.Capabilities.Extensions[TaskProtocol.ExtensionId] = new JsonObject();
        options.Filters.Request.CallToolWithAlternateFilters.Add(callFilter.InvokeAsync);
        options.Filters.Message.OutgoingFilters.Add(messageFilters.Outgoing);
        options.Filters.Message.IncomingFilters.Add(subscriptions.Incoming);
        options.Filters.Message.OutgoingFilters.Add(subscriptions.Outgoing);
        options.RequestHandlers ??= [];
        foreach (var handler in handlers.All())
        {
            options.RequestHandlers.Add(handler);
        }
    }
}
