using AsyncMcp.Dapr.Demo;

// Ctrl+C stops the demo cleanly: the apps, then the emulated sidecars.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return await DemoProgram.RunAsync(args, Console.Out, stop.Token);
