using System.Runtime.InteropServices;
using AsyncMcp.Dapr.Emulator.RunFiles;

// dapr-emulator run -f dapr.yaml: Ctrl+C and SIGTERM stop the apps, then their sidecars.
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

return await MultiAppRunCommand.RunAsync(args, Console.Out, stop.Token);
