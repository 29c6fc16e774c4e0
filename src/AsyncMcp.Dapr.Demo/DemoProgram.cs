using AsyncMcp.Dapr.Client;

namespace AsyncMcp.Dapr.Demo;

/// <summary>The demo's command: start everything, run the client's round trip, stay up until stopped.</summary>
internal static class DemoProgram
{
    /// <summary>Runs the demo.</summary>
    /// <param name="args">Command line: <c>--once</c>, <c>--Demo:Components &lt;folder&gt;</c>, <c>--Demo:ProxyUrl &lt;url&gt;</c>, ...</param>
    /// <param name="output">Where the round trip is printed.</param>
    /// <param name="stop">Ctrl+C.</param>
    /// <param name="logging">How the apps and the emulator log; warnings and errors to the console when null.</param>
    /// <returns>0 when the round trip worked and the demo stopped cleanly, 1 otherwise.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken stop, Action<ILoggingBuilder>? logging = null)
    {
        var options = new DemoOptions { Once = args.Contains("--once", StringComparer.OrdinalIgnoreCase) };
        new ConfigurationBuilder()
            .AddCommandLine(args.Where(arg => !string.Equals(arg, "--once", StringComparison.OrdinalIgnoreCase)).ToArray())
            .Build()
            .GetSection("Demo")
            .Bind(options);
        logging ??= ConsoleLogging;

        try
        {
            var components = ComponentsFolder.Resolve(options.Components);
            await output.WriteLineAsync($"AsyncMcp.Dapr demo: Dapr sidecars emulated in this process (no Dapr install), components from {components}");
            await using var host = await DemoHost.StartAsync(components, options, logging, stop);
            foreach (var app in host.Apps)
            {
                await output.WriteLineAsync($"  app '{app.AppId}' on {app.Address}");
            }

            await output.WriteLineAsync($"Any MCP client can connect through the proxy: {host.ProxyEndpoint} (Streamable HTTP)");

            await new ClientDemo(host.ClientTransport, output).RunAsync(options.ProtocolVersion, slowJobSteps: 3, stop);
            if (!options.Once)
            {
                await output.WriteLineAsync("Running; press Ctrl+C to stop.");
                await Task.Delay(Timeout.Infinite, stop);
            }

            await output.WriteLineAsync("stopping");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await output.WriteLineAsync("stopping");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await output.WriteLineAsync($"demo failed: {e.Message}");
            return 1;
        }

        await output.WriteLineAsync("stopped");
        return 0;
    }

    private static void ConsoleLogging(ILoggingBuilder logging) => logging
        .AddSimpleConsole(console => console.SingleLine = true)
        .SetMinimumLevel(LogLevel.Warning);
}
