using AsyncMcp.Dapr.Proxy.Configuration;
using AsyncMcp.Dapr.Proxy.Diagnostics;
using AsyncMcp.Dapr.Proxy.Forwarding;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace AsyncMcp.Dapr.Proxy.Front;

/// <summary>
/// Serves one MCP client over standard input and output (newline-delimited JSON-RPC, the SDK's stream transport),
/// forwarding to one backend connection. When the client closes its input, the proxy stops.
/// </summary>
internal sealed class StdioFront(
    IBackendConnector connector,
    StdioStreams streams,
    IOptions<ProxyOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILoggerFactory loggerFactory) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The reply endpoint must be listening before the first request goes out.
        await WhenStartedAsync(stoppingToken);
        var logger = loggerFactory.CreateLogger<StdioFront>();
        await using var front = new StreamServerTransport(streams.Input, streams.Output, "asyncmcp-dapr-proxy", loggerFactory);
        var channel = new ProxyChannel(await connector.ConnectAsync(stoppingToken), options.Value.RequestTimeout, time, loggerFactory.CreateLogger<ProxyChannel>())
        {
            SessionStream = front,
        };
        try
        {
            await foreach (var message in front.MessageReader.ReadAllAsync(stoppingToken))
            {
                await channel.ForwardAsync(message, stream: null, CancellationToken.None);
            }

            Log.StdioClosed(logger);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await channel.DisposeAsync();
            lifetime.StopApplication();
        }
    }

    private Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(stoppingToken);
    }
}
