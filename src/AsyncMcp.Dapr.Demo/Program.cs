using AsyncMcp.Dapr.Demo;
using AsyncMcp.Dapr.Emulator.RunFiles;

// Ctrl+C or SIGTERM stops the demo cleanly: the apps, then the emulated sidecars.
return await MultiAppRunCommand.RunUntilSignalAsync(stop => DemoProgram.RunAsync(args, Console.Out, stop));
