using System.Runtime.InteropServices;
using AsyncMcp.Dapr.Demo;

// Ctrl+C or SIGTERM stops the demo cleanly: the apps, then the emulated sidecars.
using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return await DemoProgram.RunAsync(args, Console.Out, stop.Token);
