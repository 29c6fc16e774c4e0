using System.IO.Pipelines;
using System.Text.Json.Nodes;
using AsyncMcp.Dapr.Workflows.Tasks;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Workflows.Tests;

/// <summary>
/// An MCP server with <c>WithDaprTasks</c> and an MCP client joined by in-memory streams, over a
/// <see cref="FakeWorkflowClient"/>: the protocol side of tasks without a workflow engine.
/// </summary>
internal sealed class TaskServerHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly Task _running;

    private TaskServerHarness(ServiceProvider services, McpServer server, McpClient client, Task running)
    {
        _services = services;
        Server = server;
        Client = client;
        _running = running;
    }

    public FakeWorkflowClient Workflows => (FakeWorkflowClient)_services.GetRequiredService<IDaprWorkflowClient>();

    public McpServer Server { get; }

    public McpClient Client { get; }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static async Task<TaskServerHarness> StartAsync(string? protocolVersion = "2025-11-25", Action<DaprTasksOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(new TestOutputLoggerProvider()));
        services.AddMcpServer(options => options.ServerInfo = new Implementation { Name = "tasks-test", Version = "1.0.0" })
            .WithTools<TestTools>()
            .WithDaprTasks(configure);
        services.Replace(ServiceDescriptor.Singleton<IDaprWorkflowClient>(new FakeWorkflowClient()));
        var provider = services.BuildServiceProvider();
        var toServer = new Pipe();
        var toClient = new Pipe();
        var server = McpServer.Create(
            new StreamServerTransport(toServer.Reader.AsStream(), toClient.Writer.AsStream()),
            provider.GetRequiredService<IOptions<McpServerOptions>>().Value,
            provider.GetRequiredService<ILoggerFactory>(),
            provider);
        var running = server.RunAsync();
        var client = await McpClient.CreateAsync(
            new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream()),
            new McpClientOptions
            {
                ProtocolVersion = protocolVersion,
                Handlers = new McpClientHandlers
                {
                    ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult { Action = "accept" }),
                },
            },
            cancellationToken: TestContext.Current.CancellationToken);
        return new TaskServerHarness(provider, server, client, running);
    }

    /// <summary>Sends a request as-is and returns its result, or throws its error.</summary>
    public async Task<JsonObject> SendAsync(string method, JsonObject parameters)
    {
        var response = await Client.SendRequestAsync(new JsonRpcRequest { Method = method, Params = parameters }, TestContext.Current.CancellationToken);
        return (JsonObject)response.Result!;
    }

    /// <summary>The params of a 2026-07-28 request that declares the tasks extension.</summary>
    public static JsonObject Declaring(JsonObject parameters)
    {
        parameters["_meta"] = new JsonObject
        {
            ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject
            {
                ["extensions"] = new JsonObject { ["io.modelcontextprotocol/tasks"] = new JsonObject() },
            },
        };
        return parameters;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        await _services.DisposeAsync();
    }
}
